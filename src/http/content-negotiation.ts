/**
 * The little content negotiation the framework itself needs: does this client prefer
 * JSON over HTML (for error bodies), and what is a request body's media type.
 */

/** `application/json; charset=utf-8` → `application/json`. */
export function mediaType(contentType: string | undefined): string {
  if (!contentType) return '';
  if (contentType === 'application/json') return contentType; // the hot case, as it is
  const semi = contentType.indexOf(';');
  return (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

/** True for `application/json` and any `+json` suffix type (RFC 6839). */
export function isJsonType(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json');
}

/** True for the two form encodings (`request.POST` reads them). */
export function isFormType(type: string): boolean {
  return type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data';
}

/**
 * True when the Accept header ranks a JSON type above HTML (by q-value, then order).
 * A missing Accept or `*\/*` prefers HTML, like a browser.
 */
export function prefersJson(accept: string | undefined): boolean {
  if (!accept || accept.indexOf('json') === -1) return false;
  let jsonQ = -1;
  let htmlQ = -1;
  for (const part of accept.split(',')) {
    const [rawType, ...params] = part.split(';');
    const type = rawType.trim().toLowerCase();
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split('=');
      if (key.trim() === 'q') q = Number(value) || 0;
    }
    if (isJsonType(type)) jsonQ = Math.max(jsonQ, q);
    else if (type === 'text/html' || type === 'application/xhtml+xml') htmlQ = Math.max(htmlQ, q);
  }
  return jsonQ > 0 && jsonQ >= htmlQ;
}
