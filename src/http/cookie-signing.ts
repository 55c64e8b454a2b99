/**
 * Signed cookies of one app: Django's `get_cookie_signer(salt=name + salt)`, one Signer
 * per cookie name and salt (cached), and the last step of every response, which signs the
 * cookies a view set with `response.setSignedCookie`.
 */
import type { HttpResponse } from './response';
import { Signer } from './signing';

export interface CookieSigningKeys {
  secretKey: string;
  secretKeyFallbacks: readonly string[];
}

export class CookieSigning {
  private readonly signers = new Map<string, Signer>();

  constructor(private readonly keys: CookieSigningKeys) {}

  /** The signer of cookie `name` with `salt` (requests read signed cookies with it). */
  readonly signer = (name: string, salt: string): Signer => {
    const key = `rondo.signed-cookie:${name}${salt}`;
    let signer = this.signers.get(key);
    if (signer === undefined) {
      signer = new Signer({ key: this.keys.secretKey, fallbackKeys: [...this.keys.secretKeyFallbacks], salt: key });
      this.signers.set(key, signer);
    }
    return signer;
  };

  /** Signs the cookies waiting on `response` (throws when there is no secretKey). */
  readonly signPending = (response: HttpResponse): HttpResponse => {
    const pending = response.unsignedCookies;
    if (pending === undefined) return response;
    response.unsignedCookies = undefined;
    for (const { name, value, options } of pending) {
      const { salt, ...cookieOptions } = options;
      response.setCookie(name, this.signer(name, salt ?? '').signTimestamped(value), cookieOptions);
    }
    return response;
  };
}
