/**
 * SessionMiddleware (order 200): gives every request a lazily loaded `request.session`
 * and, on the way out, saves it when it was modified (or on every request with
 * `sessionSaveEveryRequest`), setting or deleting the session cookie. The store is chosen
 * at start-up from `sessionStore` or `sessionEngine`. A store that cannot be reached turns
 * into a 503 for the requests that use the session only.
 */
import { ImproperlyConfigured } from '../errors/rondo-error';
import type { Settings } from '../app/settings';
import type { Database } from '../db/database';
import { DATABASE } from '../db/database-token';
import { Inject, LOGGER, Optional, SETTINGS } from '../di/injectable';
import type { HttpRequest } from '../http/request';
import type { HttpResponse } from '../http/response';
import type { CookieOptions } from '../http/cookies';
import type { Logger } from '../observability/logger';
import { CookieSessionStore } from '../sessions/cookie-store';
import { MemorySessionStore } from '../sessions/memory-store';
import { RedisSessionStore } from '../sessions/redis-store';
import { RequestSession } from '../sessions/session';
import { SessionStoreUnavailable, type SessionStore } from '../sessions/session-store';
import { Middleware } from './middleware-decorator';

function createStore(settings: Settings, logger: Logger, database: Database | undefined): SessionStore {
  if (settings.sessionStore !== null) {
    const store = settings.sessionStore as Partial<SessionStore>;
    if (typeof store.load !== 'function' || typeof store.save !== 'function' || typeof store.destroy !== 'function') {
      throw new ImproperlyConfigured(
        'SESSION_STORE_INVALID',
        'settings.sessionStore must implement load(key), save(key, data, ttlSeconds) and destroy(key) (see SessionStore)',
      );
    }
    return store as SessionStore;
  }
  switch (settings.sessionEngine) {
    case 'cookie':
      return new CookieSessionStore({
        secretKey: settings.secretKey,
        fallbackKeys: settings.secretKeyFallbacks,
        maxAge: settings.sessionCookieAge,
      });
    case 'memory':
      return new MemorySessionStore();
    case 'database': {
      // createApp adds the session entity for this engine, so an app always has a database here.
      const { DatabaseSessionStore } =
        require('../sessions/database-store') as typeof import('../sessions/database-store');
      return new DatabaseSessionStore(database!);
    }
    case 'redis':
      return new RedisSessionStore(settings.redisUrl, logger, settings.cacheKeyPrefix);
    default:
      throw new ImproperlyConfigured(
        'SESSION_ENGINE_UNKNOWN',
        `settings.sessionEngine is '${settings.sessionEngine}'; use 'cookie', 'database', 'memory' or 'redis', or pass a store as settings.sessionStore`,
      );
  }
}

@Middleware(200)
export class SessionMiddleware {
  private readonly store: SessionStore;
  private readonly cookie: CookieOptions;

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(DATABASE) database?: Database,
  ) {
    this.store = createStore(settings, logger, database);
    const sameSite = settings.sessionCookieSamesite
      ? (settings.sessionCookieSamesite.toLowerCase() as CookieOptions['sameSite'])
      : undefined;
    this.cookie = {
      path: settings.sessionCookiePath,
      domain: settings.sessionCookieDomain || undefined,
      secure: settings.sessionCookieSecure,
      httpOnly: settings.sessionCookieHttponly,
      sameSite,
    };
  }

  processRequest(request: HttpRequest): undefined {
    request.session = new RequestSession(this.store, request.getCookie(this.settings.sessionCookieName));
    return undefined;
  }

  processResponse(request: HttpRequest, response: HttpResponse): Promise<HttpResponse> | HttpResponse {
    const session = request.session as RequestSession | undefined;
    if (!(session instanceof RequestSession)) return response; // an inner layer replaced it: not ours to save
    // Fast path (most requests): nothing changed, nothing to save.
    if (!session.modified && session.stale.length === 0 && !this.settings.sessionSaveEveryRequest) {
      if (session.accessed) response.headers.appendToken('Vary', 'Cookie');
      return response;
    }
    return this.persist(session, response).then(
      () => response,
      (error: unknown) => {
        this.processException(request, error);
        throw error;
      },
    );
  }

  /** Logs a store outage with the request line (the error itself answers 503). */
  processException(request: HttpRequest, error: unknown): undefined {
    if (error instanceof SessionStoreUnavailable)
      this.logger.error(`${error.reason}; ${request.method} ${request.rawPath} answered 503`);
    return undefined;
  }

  async onShutdown(): Promise<void> {
    await this.store.close?.();
  }

  private async persist(session: RequestSession, response: HttpResponse): Promise<void> {
    if (session.accessed) response.headers.appendToken('Vary', 'Cookie');
    for (const key of session.stale) await this.store.destroy(key);
    const data = session.snapshot();
    if (data === undefined) return; // never touched: nothing to save, no store I/O
    const name = this.settings.sessionCookieName;
    if (Object.keys(data).length === 0) {
      // Emptied (logout, last key deleted): forget it in the store and on the client.
      if (!session.modified && session.stale.length === 0) return;
      if (session.key !== undefined) await this.store.destroy(session.key);
      if (session.fromCookie)
        response.deleteCookie(name, {
          path: this.cookie.path,
          domain: this.cookie.domain,
          sameSite: this.cookie.sameSite,
          secure: this.cookie.secure,
        });
      return;
    }
    if (!session.modified && !this.settings.sessionSaveEveryRequest) return;
    const key = await this.store.save(session.key, data, this.settings.sessionCookieAge);
    const maxAge = this.settings.sessionExpireAtBrowserClose ? undefined : this.settings.sessionCookieAge;
    response.setCookie(name, key, { ...this.cookie, maxAge });
  }
}
