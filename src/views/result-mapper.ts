/**
 * Turns what a view returned into an HttpResponse: a response as is, a string as HTML,
 * undefined as 204, and any other JSON-able value as JSON.
 */
import { RondoError } from '../errors/rondo-error';
import { HttpResponse, JsonResponse } from '../http/response';

export function toResponse(result: unknown, source: string): HttpResponse {
  if (result instanceof HttpResponse) return result;
  switch (typeof result) {
    case 'string':
      return new HttpResponse(result);
    case 'undefined': {
      const empty = new HttpResponse('', { status: 204 });
      empty.headers.delete('Content-Type');
      return empty;
    }
    case 'object':
      if (Buffer.isBuffer(result)) return new HttpResponse(result, { contentType: 'application/octet-stream' });
      return new JsonResponse(result);
    case 'number':
    case 'boolean':
      return new JsonResponse(result);
    default:
      throw new RondoError(
        'VIEW_RESULT_INVALID',
        `${source} returned a ${typeof result}; return an HttpResponse, a string, a JSON-able value or nothing`,
      );
  }
}
