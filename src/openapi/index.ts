/**
 * `rondo/openapi`: publishing an app's OpenAPI document and checking responses against it.
 * The decorators (`@ApiResponse`, `@ApiOperation`, `@ApiExclude`) and `app.openapi()` are
 * in `rondo` itself; this entry point adds what loads more: the part that serves the
 * document and its docs page, and the contract check TestClient uses.
 */
export { openapiApp, OPENAPI_OPTIONS, type OpenApiAppOptions } from './openapi-app';
export { ContractChecker, ContractViolation, checkResponse } from './contract';
export type { OpenApiDocument, OpenApiOptions, Operation } from './document';
export type { JsonSchema } from './schemas';
