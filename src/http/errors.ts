/**
 * HTTP errors: exceptions a view or middleware throws to answer with a 4xx/5xx status.
 * They are responses, not bugs: the kernel turns them into pages or problem+json and
 * never logs them as server errors.
 */

/** Base of the exceptions that map to an HTTP status. */
export class HttpError extends Error {
  readonly status: number;
  /** Extra members for an `application/problem+json` body (RFC 9457). */
  readonly extra: Record<string, unknown> | undefined;

  constructor(status: number, message: string, extra?: Record<string, unknown>) {
    super(message);
    this.name = new.target.name;
    this.status = status;
    this.extra = extra;
  }
}

/** 404. `throw new Http404('No post 12')`. */
export class Http404 extends HttpError {
  constructor(message = 'Not found') {
    super(404, message);
  }
}

/** 403. */
export class PermissionDenied extends HttpError {
  constructor(message = 'Permission denied') {
    super(403, message);
  }
}

/** 400 for a malformed request. */
export class BadRequest extends HttpError {
  constructor(message = 'Bad request', extra?: Record<string, unknown>) {
    super(400, message, extra);
  }
}

/**
 * 401: the request needs credentials it did not bring, or they were not valid; `challenge` becomes `WWW-Authenticate`.
 */
export class Unauthorized extends HttpError {
  /** Sent as `WWW-Authenticate` (e.g. `Token realm="api"`). */
  readonly challenge: string | undefined;

  constructor(
    message = 'Authentication credentials were not provided or are not valid',
    extra?: Record<string, unknown>,
    challenge?: string,
  ) {
    super(401, message, extra);
    this.challenge = challenge;
  }
}

/** 409: the request conflicts with the current state (a duplicate, an edit of a stale version). */
export class Conflict extends HttpError {
  constructor(message = 'Conflict', extra?: Record<string, unknown>) {
    super(409, message, extra);
  }
}

/** 422: well-formed input the app cannot accept (e.g. RealWorld's `{ "errors": { ... } }` answers). */
export class UnprocessableContent extends HttpError {
  constructor(message = 'Unprocessable content', extra?: Record<string, unknown>) {
    super(422, message, extra);
  }
}

/** 429: over a rate limit; answered with `Retry-After` (seconds). */
export class TooManyRequests extends HttpError {
  constructor(
    readonly retryAfter: number,
    message = `Too many requests; try again in ${retryAfter} s`,
  ) {
    super(429, message);
  }
}

/** 400 for a request that looks like an attack (Django's SuspiciousOperation). */
export class SuspiciousOperation extends HttpError {
  constructor(message = 'Suspicious operation') {
    super(400, message);
  }
}

/** 400: the Host header is not in `allowedHosts`. */
export class DisallowedHost extends SuspiciousOperation {}

/** 400: a redirect to a URL with an unsafe scheme (`javascript:` and the like). */
export class DisallowedRedirect extends SuspiciousOperation {}

/** 405, with the methods the path does allow (sent in `Allow`). */
export class MethodNotAllowed extends HttpError {
  readonly allowed: readonly string[];

  constructor(method: string, allowed: readonly string[]) {
    super(405, `Method ${method} is not allowed here; allowed: ${allowed.join(', ')}`);
    this.allowed = allowed;
  }
}

/** 413: a body over `dataUploadMaxMemorySize` or a file over the upload limits. */
export class RequestDataTooBig extends HttpError {
  constructor(message: string) {
    super(413, message);
  }
}

/** 400: more fields than `dataUploadMaxNumberFields` (Django's TooManyFieldsSent). */
export class TooManyFieldsSent extends HttpError {
  constructor(message: string) {
    super(400, message);
  }
}

/** More files than `dataUploadMaxNumberFiles` in a multipart body (Django's TooManyFilesSent). */
export class TooManyFilesSent extends HttpError {
  constructor(message: string) {
    super(400, message);
  }
}

/** 415: the body's content type is not the one the parser needs. */
export class UnsupportedMediaType extends HttpError {
  constructor(message: string) {
    super(415, message);
  }
}

/** 503: a backing service (session store, database) is unreachable. */
export class ServiceUnavailable extends HttpError {
  constructor(message = 'Service unavailable') {
    super(503, message);
  }
}
