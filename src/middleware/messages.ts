/**
 * MessageMiddleware (order 600): `request.messages`, kept between requests in the session
 * (default; needs SessionMiddleware) or in a signed cookie (`messageStorage: 'cookie'`).
 */
import type { Settings } from '../app/settings';
import { Inject, SETTINGS } from '../di/injectable';
import { ImproperlyConfigured } from '../errors/rondo-error';
import type { HttpRequest } from '../http/request';
import type { HttpResponse } from '../http/response';
import { BadSignature, Signer } from '../http/signing';
import { MessageBag, sanitizeMessages, type Message } from '../messages/message-bag';
import { Middleware } from './middleware-decorator';

const SESSION_KEY = '_messages';
const COOKIE_NAME = 'messages';

@Middleware(600)
export class MessageMiddleware {
  private readonly signer: Signer | undefined;

  constructor(@Inject(SETTINGS) private readonly settings: Settings) {
    if (settings.messageStorage !== 'session' && settings.messageStorage !== 'cookie') {
      throw new ImproperlyConfigured(
        'MESSAGE_STORAGE_UNKNOWN',
        `settings.messageStorage is '${settings.messageStorage}'; use 'session' or 'cookie'`,
      );
    }
    this.signer =
      settings.messageStorage === 'cookie'
        ? new Signer({ key: settings.secretKey, fallbackKeys: settings.secretKeyFallbacks, salt: 'rondo.messages' })
        : undefined;
  }

  /** Reads the stored messages of a request (bound once; no per-request closure). */
  private readonly load = (request: unknown) => this.read(request as HttpRequest);

  processRequest(request: HttpRequest): undefined {
    request.messages = new MessageBag(this.load, request);
    return undefined;
  }

  processResponse(request: HttpRequest, response: HttpResponse): Promise<HttpResponse> | HttpResponse {
    const bag = request.messages as MessageBag | undefined;
    // Untouched (or replaced by an inner layer): no storage I/O.
    return bag instanceof MessageBag && bag.changed ? this.update(request, response, bag) : response;
  }

  private async update(request: HttpRequest, response: HttpResponse, bag: MessageBag): Promise<HttpResponse> {
    const remaining = await bag.remaining();
    if (remaining !== undefined) await this.write(request, response, remaining);
    return response;
  }

  private session(request: HttpRequest) {
    if (request.session === undefined) {
      throw new ImproperlyConfigured(
        'MESSAGES_NO_SESSION',
        "MessageMiddleware with messageStorage 'session' needs SessionMiddleware (order 200) installed; add it or set messageStorage: 'cookie'",
      );
    }
    return request.session as {
      get(k: string): Promise<unknown>;
      set(k: string, v: unknown): Promise<void>;
      delete(k: string): Promise<void>;
    };
  }

  private async read(request: HttpRequest): Promise<Message[]> {
    if (this.signer === undefined) return sanitizeMessages(await this.session(request).get(SESSION_KEY));
    const cookie = request.getCookie(COOKIE_NAME);
    if (cookie === undefined) return [];
    try {
      return sanitizeMessages(this.signer.loads(cookie));
    } catch (error) {
      if (error instanceof BadSignature) return [];
      throw error;
    }
  }

  private async write(request: HttpRequest, response: HttpResponse, messages: Message[]): Promise<void> {
    if (this.signer === undefined) {
      if (messages.length === 0) await this.session(request).delete(SESSION_KEY);
      else await this.session(request).set(SESSION_KEY, messages);
      return;
    }
    if (messages.length === 0) response.deleteCookie(COOKIE_NAME);
    else
      response.setCookie(COOKIE_NAME, this.signer.dumps(messages), {
        sameSite: 'lax',
        secure: this.settings.sessionCookieSecure,
      });
  }
}
