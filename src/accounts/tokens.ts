/**
 * API authentication for JSON clients: `Authorization: Token <t>` or `Bearer <t>` (the
 * schemes are `settings.authTokenSchemes`). A token is either a signed JWT (jose, HS256,
 * a key derived from secretKey, `sub` = user id, `settings.authJwtLifetime` seconds) or a
 * revocable database token (ApiToken). A JWT also carries an HMAC of the user's password
 * hash (`sah`, as Django binds sessions to it): a password change or reset revokes every
 * JWT issued before it. A valid token makes `request.user` its user and
 * exempts the request from CSRF (a browser never sends it on its own); a bad, expired or
 * revoked one is a 401 with `WWW-Authenticate`, never a 500. No header: the request goes
 * on as before (anonymous, or the session's user).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Repository } from 'typeorm';
import {
  Inject,
  Injectable,
  InjectRepository,
  Middleware,
  SETTINGS,
  Unauthorized,
  type HttpRequest,
  type Settings,
} from '../index';
import { Accounts } from './accounts';
import { ApiToken, User } from './entities';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function jose(): typeof import('jose') {
  return require('jose') as typeof import('jose');
}

@Injectable()
export class ApiTokens {
  private readonly key: Uint8Array;

  constructor(
    @InjectRepository(ApiToken) private readonly tokens: Repository<ApiToken>,
    private readonly accounts: Accounts,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {
    this.key = createHmac('sha256', settings.secretKey).update('rondo.auth.jwt').digest();
  }

  /** A signed token for `user`, valid for settings.authJwtLifetime seconds or until its password changes. */
  issueJwt(user: User): Promise<string> {
    return new (jose().SignJWT)({ sah: this.authHash(user) })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(String(user.id))
      .setIssuedAt()
      .setExpirationTime(`${this.settings.authJwtLifetime}s`)
      .sign(this.key);
  }

  /** What binds a JWT to the user's current password: an HMAC of its hash (never the hash). */
  private authHash(user: User): string {
    return createHmac('sha256', this.key).update(user.getSessionAuthSource()).digest('base64url').slice(0, 22);
  }

  private boundTo(user: User, claim: unknown): boolean {
    if (typeof claim !== 'string') return false;
    const [given, current] = [Buffer.from(claim), Buffer.from(this.authHash(user))];
    return given.length === current.length && timingSafeEqual(given, current);
  }

  /** A new database token for `user`; the key is shown once (only its hash is kept). */
  async createToken(user: User): Promise<string> {
    const key = randomBytes(20).toString('hex');
    await this.tokens.save(this.tokens.create({ keyHash: sha256(key), user }));
    return key;
  }

  /** Revokes a database token; true when it existed. */
  async revoke(key: string): Promise<boolean> {
    return ((await this.tokens.delete({ keyHash: sha256(key) })).affected ?? 0) > 0;
  }

  /** The active user of a token, or a reason it is refused. */
  async userOf(token: string): Promise<User | string> {
    if (token.split('.').length === 3) {
      try {
        const { payload } = await jose().jwtVerify(token, this.key, { algorithms: ['HS256'] });
        const user = await this.accounts.loadUser(String(payload.sub));
        if (user === undefined) return "The token's user does not exist or is inactive";
        return this.boundTo(user, payload.sah)
          ? user
          : 'The token was revoked: the password changed since it was issued. Log in again';
      } catch (error) {
        return (error as { code?: string }).code === 'ERR_JWT_EXPIRED'
          ? 'The token has expired'
          : 'The token is not valid';
      }
    }
    if (!/^[0-9a-f]{40}$/.test(token)) return 'The token is not valid';
    const stored = await this.tokens.findOneBy({ keyHash: sha256(token) });
    if (stored === null) return 'The token is not valid or was revoked';
    return stored.user.isActive ? stored.user : "The token's user is inactive";
  }
}

/** The `WWW-Authenticate` of a request refused for want of a token: the first scheme, realm "api". */
export function tokenChallenge(settings: Settings): string {
  return `${settings.authTokenSchemes[0] ?? 'Token'} realm="api"`;
}

/** Reads `Authorization` (after AuthenticationMiddleware, before CSRF's check runs in processView). */
@Middleware(550)
export class TokenAuthMiddleware {
  private readonly schemes: ReadonlySet<string>;
  /** `WWW-Authenticate` of a refusal, computed once. */
  private readonly challenge: string;

  constructor(
    private readonly tokens: ApiTokens,
    @Inject(SETTINGS) settings: Settings,
  ) {
    this.schemes = new Set(settings.authTokenSchemes.map((s) => s.toLowerCase()));
    this.challenge = tokenChallenge(settings);
  }

  /** Synchronous for requests without our scheme: they pay no promise for this layer. */
  processRequest(request: HttpRequest): Promise<undefined> | undefined {
    const header = request.headers.get('authorization');
    if (header === undefined) return undefined;
    const [scheme = '', token = '', ...rest] = header.trim().split(/\s+/);
    if (!this.schemes.has(scheme.toLowerCase())) return undefined; // another scheme: not ours (Basic, ...)
    if (token === '' || rest.length > 0)
      throw new Unauthorized(
        'The Authorization header must be "<scheme> <token>" with no spaces in the token',
        undefined,
        this.challenge,
      );
    return this.authenticate(request, token);
  }

  private async authenticate(request: HttpRequest, token: string): Promise<undefined> {
    const user = await this.tokens.userOf(token);
    if (typeof user === 'string') throw new Unauthorized(user, undefined, this.challenge);
    request.user = user;
    request.state.authenticatedBy = 'token'; // an API that ignores cookie sessions checks this
    request.state.dontEnforceCsrfChecks = true; // token clients are not browsers: CSRF does not apply
    return undefined;
  }
}
