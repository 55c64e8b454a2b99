/**
 * The argument resolvers for DTO parameters: `@Body() input: CreatePostDto` and
 * `@Query() filters: ListQueryDto`. The schema is compiled when the view is (start-up);
 * per request: read the body or query, build, validate, and throw ValidationFailed (400
 * with field errors) or return the typed instance.
 */
import { isJsonType } from '../http/content-negotiation';
import { BadRequest, UnsupportedMediaType } from '../http/errors';
import { serviceKey, type HttpRequest, type ServiceKey } from '../http/request';
import { dtoSchema } from './dto-schema';
import type { ValidateOptions } from './validate-dto';
import { ValidationFailed } from './validation-failed';

/** The validator, loaded with class-validator when the first DTO route is compiled. */
function validator(): typeof import('./validate-dto') {
  return require('./validate-dto') as typeof import('./validate-dto');
}

/** The key requests carry their app's validation options under (built once at start-up). */
export const VALIDATION: ServiceKey<ValidateOptions> = serviceKey<ValidateOptions>('rondo:VALIDATION');

const OUTSIDE_APP: ValidateOptions = { forbidUnknown: false, maxDepth: 32, resolve: undefined };

/** Validation options of the request's app (constraint classes from its container). */
export function validateOptionsFor(request: HttpRequest): ValidateOptions {
  return request.service(VALIDATION) ?? OUTSIDE_APP;
}

/** `@Body('user')`: the member of the JSON object a keyed DTO validates. */
function member(body: unknown, key: string): unknown {
  if (
    typeof body !== 'object' ||
    body === null ||
    Array.isArray(body) ||
    !Object.prototype.hasOwnProperty.call(body, key)
  ) {
    throw new BadRequest(`The JSON body must be an object with a '${key}' member, e.g. { "${key}": { ... } }`);
  }
  return (body as Record<string, unknown>)[key];
}

export function bodyDtoResolver(cls: new () => object, key?: string): (request: HttpRequest) => Promise<object> {
  const schema = dtoSchema(cls);
  const { validateInput } = validator();
  return async (request) => {
    const type = request.contentType;
    let result;
    if (isJsonType(type)) {
      const body = await request.json();
      result = await validateInput(
        schema,
        { kind: 'json', value: key === undefined ? body : member(body, key) },
        validateOptionsFor(request),
      );
    } else if (key !== undefined) {
      throw new UnsupportedMediaType(
        `@Body('${key}') with a DTO takes a JSON body ({ "${key}": { ... } }); got ${type || 'no Content-Type'}`,
      );
    } else if (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data' || !request.hasBody) {
      await request.load();
      result = await validateInput(schema, { kind: 'form', value: request.POST }, validateOptionsFor(request));
    } else {
      throw new UnsupportedMediaType(`The body must be JSON or a form; got ${type}`);
    }
    if (Object.keys(result.errors).length > 0) throw new ValidationFailed(result.errors);
    return result.instance;
  };
}

export function queryDtoResolver(cls: new () => object): (request: HttpRequest) => Promise<object> {
  const schema = dtoSchema(cls);
  const { validateInput } = validator();
  return async (request) => {
    const result = await validateInput(schema, { kind: 'form', value: request.GET }, validateOptionsFor(request));
    if (Object.keys(result.errors).length > 0) throw new ValidationFailed(result.errors);
    return result.instance;
  };
}
