/**
 * Django's shortcuts: `redirect` for now (`render` lives with the templates).
 */
import { HttpResponsePermanentRedirect, HttpResponseRedirect } from '../http/response';

/**
 * A redirect response: 302 by default, 301 with `{ permanent: true }`.
 *
 * @example return redirect(reverse('posts:detail', { id: post.id }));
 */
export function redirect(url: string, options: { permanent?: boolean } = {}): HttpResponseRedirect {
  return options.permanent ? new HttpResponsePermanentRedirect(url) : new HttpResponseRedirect(url);
}
