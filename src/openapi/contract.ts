/**
 * The contract check: a JSON response (or request body) against the schema its operation
 * declares in the app's OpenAPI document, with ajv (JSON Schema 2020-12, OpenAPI 3.1's
 * dialect). TestClient runs it after each request when asked (`{ openapi: true }`), so a
 * view cannot drift from its published contract without a test failing.
 */
import { RondoError } from '../errors/rondo-error';
import type { OpenApiDocument, Operation } from './document';

/** A response or request that its operation's schema does not allow. */
export class ContractViolation extends RondoError {
  constructor(message: string) {
    super('OPENAPI_CONTRACT', message);
  }
}

type Validate = ((value: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string }> | null };

export class ContractChecker {
  private readonly ajv: { addSchema(schema: object, key: string): void; compile(schema: object): Validate };
  private readonly compiled = new Map<string, Validate>();

  constructor(private readonly document: OpenApiDocument) {
    // Loaded only by apps whose tests ask for the check.
    const { default: Ajv2020 } = require('ajv/dist/2020') as typeof import('ajv/dist/2020');
    const { default: addFormats } = require('ajv-formats') as typeof import('ajv-formats');
    const ajv = new Ajv2020({ strict: false, validateSchema: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(document, 'openapi.json');
    this.ajv = ajv;
  }

  /** The operation of a declared route pattern (`/posts/<int:id>`) and method, if the document has it. */
  operation(route: string, method: string): Operation | undefined {
    const path = route.replace(/<(?:[a-zA-Z_]\w*:)?([a-zA-Z_]\w*)>/g, '{$1}');
    return this.document.paths[path]?.[method.toLowerCase()];
  }

  /**
   * Throws ContractViolation when `status` is not declared, or the JSON `body` breaks its
   * schema (`body` undefined: not JSON, only the status is checked).
   */
  checkResponse(request: string, route: string, method: string, status: number, type: string, body: unknown): void {
    const operation = this.operation(route, method);
    if (operation === undefined) return;
    const response = (operation.responses[String(status)] ?? operation.responses.default) as
      { content?: Record<string, { schema?: object }> } | undefined;
    if (response === undefined) {
      throw new ContractViolation(
        `${request} answered ${status}, which operation ${operation.operationId} does not declare ` +
          `(it declares ${Object.keys(operation.responses).join(', ')}); add @ApiResponse(${status}, ...) or fix the view`,
      );
    }
    const schema = response.content?.[type]?.schema;
    if (schema === undefined || body === undefined) return; // no JSON, or no schema to hold it to
    this.check(
      schema,
      body,
      `${request} answered ${status} with a body that breaks operation ${operation.operationId}'s schema`,
    );
  }

  /** Throws ContractViolation when a JSON request body breaks the operation's requestBody schema. */
  checkRequest(request: string, route: string, method: string, type: string, body: unknown): void {
    const operation = this.operation(route, method);
    const schema = (operation?.requestBody?.content as Record<string, { schema?: object }> | undefined)?.[type]?.schema;
    if (operation === undefined || schema === undefined) return;
    this.check(schema, body, `${request} sent a body that breaks operation ${operation.operationId}'s requestBody`);
  }

  private check(schema: object, value: unknown, what: string): void {
    const key = JSON.stringify(schema);
    let validate = this.compiled.get(key);
    if (validate === undefined) {
      validate = this.ajv.compile(anchored(schema) as object);
      this.compiled.set(key, validate);
    }
    if (validate(value)) return;
    const problems = (validate.errors ?? []).map(
      (e) => `${e.instancePath || '(the body)'} ${e.message ?? 'is not valid'}`,
    );
    throw new ContractViolation(`${what}: ${problems.join('; ')}`);
  }
}

/** The schema with its component references pointed into the document registered as `openapi.json`. */
function anchored(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(anchored);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' && value.startsWith('#/') ? `openapi.json${value}` : anchored(value),
    ]),
  );
}

/** Checks one response, building a checker for `document` (tests that check many keep a ContractChecker). */
export function checkResponse(
  document: OpenApiDocument,
  request: { method: string; route: string; path: string },
  response: { status: number; contentType: string; body: unknown },
): void {
  new ContractChecker(document).checkResponse(
    `${request.method} ${request.path}`,
    request.route,
    request.method,
    response.status,
    response.contentType,
    response.body,
  );
}
