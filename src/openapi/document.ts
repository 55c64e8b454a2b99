/**
 * The OpenAPI 3.1 document of an app, built from what Rondo knows at start-up: the route
 * table (paths, methods, names), each path segment's converter, the views' `@Param`,
 * `@Query`, `@Header`, `@Cookie` and `@Body` parameters with their DTOs, `@Accepts`, and
 * the options that decide the framework's own answers (`@LoginRequired` → 401,
 * `@PermissionRequired` → 403, `@RateLimit` → 429, a DTO → 400, a body → 415). What only the
 * view knows, its successful responses, it declares with `@ApiResponse`.
 */
import type { RouteInfo } from '../app/route-compiler';
import type { Settings } from '../app/settings';
import type { Container } from '../di/container-builder';

/** What the document is built from: an App (this shape keeps app.ts and this file apart). */
export interface DescribedApp {
  routes(): RouteInfo[];
  readonly container: Container;
  readonly settings: Readonly<Settings>;
}
import { AUTH_CHALLENGE } from '../middleware/authentication';
import { VIEW_OPTIONS_KEY, VIEW_PARAMS_KEY, type ParamMeta, type ViewOptions } from '../metadata/keys';
import { getConverter } from '../routing/converters';
import { isDtoClass } from '../validation/dto-schema';
import { viewOptions } from '../views/view-options';
import type { ApiBody, ApiOperationSpec, ApiResponseSpec } from './decorators';
import { primitiveSchema, SchemaRegistry, type JsonSchema } from './schemas';

export interface OpenApiOptions {
  /** `info.title`; default 'API'. */
  title?: string;
  /** `info.version`; default '0.1.0'. */
  version?: string;
  description?: string;
  servers?: Array<{ url: string; description?: string }>;
  /** Which routes the document describes: path prefixes (`['/api/']`) or a test. Default: all. */
  include?: readonly string[] | ((route: RouteInfo) => boolean);
  /**
   * How errors look when the app's exception handler reshapes them (Rondo answers
   * problem+json by default): their body, media type, and the status of a DTO's validation
   * failure (400 by default; RealWorld's API answers 422).
   */
  errors?: { body: ApiBody; contentType?: string; validationStatus?: number };
}

export type OpenApiDocument = {
  openapi: '3.1.0';
  info: { title: string; version: string; description?: string };
  servers?: Array<{ url: string; description?: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes?: Record<string, JsonSchema> };
  tags?: Array<{ name: string }>;
};

export interface Operation {
  operationId: string;
  tags: string[];
  summary?: string;
  description?: string;
  deprecated?: boolean;
  parameters?: JsonSchema[];
  requestBody?: JsonSchema;
  responses: Record<string, JsonSchema>;
  security?: Array<Record<string, string[]>>;
  /** Set on operations whose successful response no `@ApiResponse` declares (for `rondo check`). */
  'x-rondo-undeclared'?: true;
}

const PROBLEM: JsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details, as Rondo answers errors to JSON clients',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    requestId: { type: 'string' },
  },
  required: ['type', 'title', 'status'],
};

const VALIDATION_PROBLEM: JsonSchema = {
  allOf: [
    { $ref: '#/components/schemas/Problem' },
    {
      type: 'object',
      properties: {
        errors: {
          type: 'object',
          description: 'The messages of each invalid field, by its path (`title`, `address.city`, `tags.0`)',
          additionalProperties: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  ],
};

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The document of `app`'s routes. */
export function buildOpenApi(app: DescribedApp, options: OpenApiOptions = {}): OpenApiDocument {
  const registry = new SchemaRegistry();
  const tokenChallenge = app.container.isBound(AUTH_CHALLENGE) ? app.container.get<string>(AUTH_CHALLENGE) : undefined;
  const auth: Auth = tokenChallenge
    ? { scheme: 'token', challenge: tokenChallenge }
    : { scheme: 'session', cookie: app.settings.sessionCookieName };
  const paths: OpenApiDocument['paths'] = {};
  const tags = new Set<string>();
  for (const route of app.routes()) {
    if (!included(route, options)) continue;
    const viewOpts = viewOptions(route.controller, route.methodName) as ViewOptions;
    if (viewOpts.apiExclude === true) continue;
    const path = openApiPath(route.path);
    const methods = route.methods.filter((m) => m !== 'OPTIONS' && !(m === 'HEAD' && route.methods.includes('GET')));
    for (const method of methods) {
      const operation = describe(route, method, methods.length > 1, viewOpts, registry, auth, options.errors);
      operation.tags.forEach((tag) => tags.add(tag));
      (paths[path] ??= {})[method.toLowerCase()] = operation;
    }
  }
  const components: OpenApiDocument['components'] = {
    schemas: { Problem: PROBLEM, ValidationProblem: VALIDATION_PROBLEM, ...registry.components },
  };
  components.securitySchemes =
    auth.scheme === 'token'
      ? {
          Token: {
            type: 'apiKey',
            in: 'header',
            name: 'Authorization',
            description: `\`${tokenChallenge!.split(' ')[0]} <token>\`: an API token or a JWT from rondo/auth`,
          },
        }
      : { Session: { type: 'apiKey', in: 'cookie', name: auth.cookie } };
  return {
    openapi: '3.1.0',
    info: {
      title: options.title ?? 'API',
      version: options.version ?? '0.1.0',
      ...(options.description === undefined ? {} : { description: options.description }),
    },
    ...(options.servers === undefined ? {} : { servers: options.servers }),
    paths,
    components,
    tags: [...tags].sort().map((name) => ({ name })),
  };
}

type Auth = { scheme: 'token'; challenge: string } | { scheme: 'session'; cookie: string };

function included(route: RouteInfo, options: OpenApiOptions): boolean {
  if (route.controller === undefined || route.path.startsWith('/static')) return false;
  const include = options.include;
  if (include === undefined) return true;
  if (typeof include === 'function') return include(route);
  return include.some((prefix) => route.path.startsWith(prefix));
}

/** `/articles/<slug:slug>/` → `/articles/{slug}/` */
function openApiPath(path: string): string {
  return path.replace(/<(?:[a-zA-Z_]\w*:)?([a-zA-Z_]\w*)>/g, '{$1}');
}

function pathParameters(path: string): JsonSchema[] {
  return [...path.matchAll(/<(?:([a-zA-Z_]\w*):)?([a-zA-Z_]\w*)>/g)].map(([, converterName = 'str', name]) => {
    const converter = getConverter(converterName);
    const schema = converter?.schema ?? { type: 'string', pattern: `^${converter?.regex ?? '[^/]+'}$` };
    return { name, in: 'path', required: true, schema };
  });
}

function describe(
  route: RouteInfo,
  method: string,
  several: boolean,
  viewOpts: ViewOptions,
  registry: SchemaRegistry,
  auth: Auth,
  errors: OpenApiOptions['errors'],
): Operation {
  const spec = (viewOpts.apiOperation ?? {}) as ApiOperationSpec;
  const controllerName = route.controller.name.replace(/Controller$/, '') || route.controller.name;
  const baseId =
    route.name === undefined ? `${route.controller.name}.${route.methodName}` : route.name.replace(/:/g, '.');
  const operation: Operation = {
    operationId: spec.operationId ?? (several ? `${baseId}.${method.toLowerCase()}` : baseId),
    tags: spec.tags ?? [controllerName],
    responses: {},
  };
  if (spec.summary !== undefined) operation.summary = spec.summary;
  if (spec.description !== undefined) operation.description = spec.description;
  if (spec.deprecated === true) operation.deprecated = true;

  const parameters = pathParameters(route.path);
  const metas =
    (Reflect.getMetadata(VIEW_PARAMS_KEY, route.controller) as Map<string, ParamMeta[]> | undefined)?.get(
      route.methodName,
    ) ?? [];
  const types =
    (Reflect.getMetadata('design:paramtypes', route.controller.prototype as object, route.methodName) as
      unknown[] | undefined) ?? [];
  let body: JsonSchema | undefined;
  let validated = false;
  for (const meta of metas) {
    const type = types[meta.index];
    if (meta.kind === 'query') {
      if (meta.name !== undefined) parameters.push({ name: meta.name, in: 'query', schema: primitiveSchema(type) });
      else if (isDtoClass(type)) {
        validated = true;
        parameters.push(...queryParameters(type, registry));
      }
    } else if ((meta.kind === 'header' || meta.kind === 'cookie') && meta.name !== undefined) {
      parameters.push({ name: meta.name, in: meta.kind, schema: primitiveSchema(type) });
    } else if (meta.kind === 'body') {
      const dto = isDtoClass(type);
      validated ||= dto;
      const schema = dto ? registry.ref(type) : { type: 'object' };
      body =
        meta.name === undefined
          ? schema
          : { type: 'object', properties: { [meta.name]: schema }, required: [meta.name] };
    }
  }
  if (parameters.length > 0) operation.parameters = parameters;
  const takesBody = body !== undefined && BODY_METHODS.has(method);
  if (takesBody) {
    const media =
      viewOpts.accepts ??
      (viewOpts.csrfExempt === true ? ['application/json'] : ['application/json', 'application/x-www-form-urlencoded']);
    operation.requestBody = {
      required: true,
      content: Object.fromEntries(media.map((type) => [type, { schema: body }])),
    };
  }

  // The framework's own answers, where the view's options make them possible.
  const custom = errors === undefined ? undefined : bodySchema(errors.body, registry);
  const problem = (description: string, schema = 'Problem', headers?: Record<string, string>) => ({
    description,
    ...(headers === undefined ? {} : { headers: responseHeaders(headers) }),
    content:
      custom === undefined
        ? { 'application/problem+json': { schema: { $ref: `#/components/schemas/${schema}` } } }
        : { [errors!.contentType ?? 'application/json']: { schema: custom } },
  });
  const responses: Record<string, JsonSchema> = {};
  if (validated)
    responses[String(errors?.validationStatus ?? 400)] = problem('The input is not valid', 'ValidationProblem');
  const needsUser =
    viewOpts.loginRequired === true || viewOpts.permissionRequired !== undefined || spec.auth === 'required';
  const requirement: Record<string, string[]> = auth.scheme === 'token' ? { Token: [] } : { Session: [] };
  if (needsUser) {
    responses['401'] = problem(
      'No valid credentials',
      'Problem',
      auth.scheme === 'token' ? { 'WWW-Authenticate': auth.challenge } : undefined,
    );
    operation.security = [requirement];
  } else if (spec.auth === 'optional') {
    operation.security = [{}, requirement]; // anonymous, or with credentials
    responses['401'] = problem(
      'Credentials that are not valid (none at all is fine)',
      'Problem',
      auth.scheme === 'token' ? { 'WWW-Authenticate': auth.challenge } : undefined,
    );
  }
  const csrf = BODY_METHODS.has(method) && viewOpts.csrfExempt !== true;
  if (viewOpts.permissionRequired !== undefined || csrf)
    responses['403'] = problem(
      csrf ? 'A missing permission, or a missing or wrong CSRF token' : 'A missing permission',
    );
  if (parameters.some((p) => p.in === 'path')) responses['404'] = problem('Not found');
  if (takesBody) responses['415'] = problem('A body of another media type');
  if (viewOpts.rateLimit !== undefined)
    responses['429'] = problem('Too many requests', 'Problem', {
      'Retry-After': 'Seconds to wait before trying again',
    });

  const declared = declaredResponses(route.controller, route.methodName);
  for (const [status, response] of Object.entries(declared)) responses[status] = declaredResponse(response, registry);
  if (!Object.keys(responses).some((status) => status.startsWith('2') || status.startsWith('3'))) {
    responses[method === 'POST' ? '201' : '200'] = { description: 'Not declared: describe it with @ApiResponse()' };
    operation['x-rondo-undeclared'] = true;
  }
  operation.responses = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
  return operation;
}

/** A controller's `@ApiResponse` declarations overlaid with the view's own, by status. */
function declaredResponses(controller: Function, methodName: string): Record<string, ApiResponseSpec> {
  const all = Reflect.getMetadata(VIEW_OPTIONS_KEY, controller) as Map<string, Record<string, unknown>> | undefined;
  return {
    ...(all?.get('')?.apiResponses as Record<string, ApiResponseSpec> | undefined),
    ...(all?.get(methodName)?.apiResponses as Record<string, ApiResponseSpec> | undefined),
  };
}

function declaredResponse(spec: ApiResponseSpec, registry: SchemaRegistry): JsonSchema {
  const response: JsonSchema = { description: spec.description ?? defaultDescription(spec.status) };
  if (spec.headers !== undefined) response.headers = responseHeaders(spec.headers);
  if (spec.body !== undefined) {
    const type =
      spec.contentType ??
      (spec.status >= 400 && spec.body === undefined ? 'application/problem+json' : 'application/json');
    response.content = { [type]: { schema: bodySchema(spec.body, registry) } };
  }
  return response;
}

function bodySchema(body: ApiBody, registry: SchemaRegistry): JsonSchema {
  if (Array.isArray(body)) return { type: 'array', items: registry.ref(body[0]) };
  if (typeof body === 'function') return registry.ref(body);
  return body;
}

function responseHeaders(headers: Record<string, string>): JsonSchema {
  return Object.fromEntries(
    Object.entries(headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }]),
  );
}

function defaultDescription(status: number): string {
  if (status === 200) return 'OK';
  if (status === 201) return 'Created';
  if (status === 204) return 'No content';
  return status >= 400 ? 'Error' : 'Success';
}

/** A query DTO's properties as query parameters (its schema inlined, one parameter each). */
function queryParameters(dto: Function, registry: SchemaRegistry): JsonSchema[] {
  const ref = registry.ref(dto).$ref as string;
  const schema = registry.components[ref.slice(ref.lastIndexOf('/') + 1)];
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>).map(([name, property]) => ({
    name,
    in: 'query',
    ...(required.has(name) ? { required: true } : {}),
    schema: withoutNull(property), // a query string has no null: an optional parameter is left out
  }));
}

function withoutNull(schema: JsonSchema): JsonSchema {
  if (Array.isArray(schema.type)) {
    const types = (schema.type as string[]).filter((type) => type !== 'null');
    return { ...schema, type: types.length === 1 ? types[0] : types };
  }
  const anyOf = schema.anyOf as JsonSchema[] | undefined;
  if (anyOf?.length === 2 && anyOf[1].type === 'null') return anyOf[0];
  return schema;
}
