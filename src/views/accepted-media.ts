/**
 * Which body media types a view accepts: `@Accepts(...)` on a view or controller, checked
 * before the body is read (415 for others). A `@CsrfExempt()` view accepts JSON only unless
 * it says otherwise: a cross-site HTML form can post urlencoded, multipart and text/plain
 * bodies without a CORS preflight, so an exempt view that took them would be open to any
 * site. JSON needs a preflight, which the browser's same-origin policy then guards.
 */
import { isJsonType } from '../http/content-negotiation';
import { UnsupportedMediaType } from '../http/errors';
import type { HttpRequest } from '../http/request';
import type { ViewOptions } from '../metadata/keys';
import { ViewOption } from './view-options';

const ACCEPTS = 'accepts';
const JSON_ONLY: readonly string[] = ['application/json'];

/**
 * The body media types this view (or every view of the controller) accepts; others are
 * 415. `application/json` also covers `+json` types.
 *
 * @example @Post('/hooks') @CsrfExempt() @Accepts('application/json', 'application/x-www-form-urlencoded')
 */
export const Accepts = (...types: string[]): ClassDecorator & MethodDecorator =>
  ViewOption(
    ACCEPTS,
    types.map((t) => t.toLowerCase()),
  );

/** The check a view's body gets, built at start-up; undefined when any type is fine. */
export function acceptedMediaCheck(options: ViewOptions, source: string): ((request: HttpRequest) => void) | undefined {
  const declared = options.accepts;
  const types = declared ?? (options.csrfExempt === true ? JSON_ONLY : undefined);
  if (types === undefined) return undefined;
  const allowed = new Set(types);
  const json = allowed.has('application/json');
  const why = declared === undefined ? ' (a @CsrfExempt() view takes JSON only; add @Accepts(...) to take forms)' : '';
  return (request) => {
    const type = request.contentType;
    if ((json && isJsonType(type)) || allowed.has(type)) return; // JSON first: no hashing of the header's text
    throw new UnsupportedMediaType(
      `${source} accepts ${[...allowed].join(', ')} bodies; got ${type || 'no Content-Type'}${why}`,
    );
  };
}
