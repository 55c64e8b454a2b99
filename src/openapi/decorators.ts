/**
 * What a view tells the OpenAPI document about itself, beyond what Rondo already knows
 * (routes, converters, DTOs, auth, rate limits): its responses, a summary, tags, or that it
 * stays out of the document. Metadata only; the document is built by `app.openapi()`.
 */
import { VIEW_OPTIONS_KEY } from '../metadata/keys';
import { ViewOption } from '../views/view-options';

/** A response body: a DTO class (its schema becomes a component), `[Dto]` for an array of them, or a JSON Schema. */
export type ApiBody = Function | [Function] | Record<string, unknown>;

export interface ApiResponseSpec {
  status: number;
  description?: string;
  body?: ApiBody;
  /** Default `application/json` (`application/problem+json` for 4xx/5xx problem bodies you describe yourself). */
  contentType?: string;
  /** Response headers by name, each a description. */
  headers?: Record<string, string>;
}

export interface ApiOperationSpec {
  summary?: string;
  description?: string;
  tags?: string[];
  operationId?: string;
  deprecated?: boolean;
  /**
   * Whether the view needs the caller's credentials when it checks them itself (without
   * `@LoginRequired`, which Rondo sees): 'required' adds the security requirement and a 401,
   * 'optional' a security requirement that may be left out.
   */
  auth?: 'required' | 'optional';
}

/**
 * Declares one response of a view (repeat it for each status), or of every view of a
 * controller; a view's own declaration of a status replaces the controller's.
 *
 * @example
 * @Post('/', { name: 'create' })
 * @ApiResponse(201, ArticleEnvelope, { description: 'The new article' })
 * @ApiResponse(422, ConduitErrors)
 * create(@Body('article') input: NewArticle) { ... }
 */
export function ApiResponse(
  status: number,
  body?: ApiBody,
  options: Omit<ApiResponseSpec, 'status' | 'body'> = {},
): ClassDecorator & MethodDecorator {
  return (target: object, propertyKey?: string | symbol) => {
    const ctor = propertyKey === undefined ? target : (target as { constructor: object }).constructor;
    const method = propertyKey === undefined ? '' : String(propertyKey);
    const all = Reflect.getOwnMetadata(VIEW_OPTIONS_KEY, ctor) as Map<string, Record<string, unknown>> | undefined;
    const previous = (all?.get(method)?.apiResponses as Record<number, ApiResponseSpec> | undefined) ?? {};
    // One decorator for classes and methods: called with the class alone, or the prototype and a key.
    const set: (target: object, key?: string | symbol) => void = ViewOption('apiResponses', {
      ...previous,
      [status]: { status, body, ...options },
    });
    set(target, propertyKey);
  };
}

/** A view's summary, description, tags, operation id or deprecation (or a controller's tags). */
export function ApiOperation(spec: ApiOperationSpec): ClassDecorator & MethodDecorator {
  return ViewOption('apiOperation', spec);
}

/** Leaves a view (or every view of a controller) out of the OpenAPI document. */
export function ApiExclude(): ClassDecorator & MethodDecorator {
  return ViewOption('apiExclude', true);
}
