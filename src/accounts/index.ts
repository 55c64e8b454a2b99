/**
 * `rondo/auth`: users, groups and permissions for apps with models (Django's
 * contrib.auth). An app that does not import this loads none of it.
 *
 * ```ts
 * import { AUTH_ENTITIES, authApp } from 'rondo/auth';
 * const auth = authApp();
 * createApp({ entities: [...auth.entities, Article], providers: [...auth.providers, ArticleService] });
 * ```
 */
import { USER_LOADER, type CreateAppOptions } from '../index';
import { Accounts } from './accounts';
import { ApiToken, Group, User } from './entities';
import { ApiTokens, TokenAuthMiddleware } from './tokens';

export { Accounts, type NewUser } from './accounts';
export { ApiToken, Group, User } from './entities';
export { ApiTokens, TokenAuthMiddleware } from './tokens';
export { DEFAULT_PASSWORD_RULES, validatePassword, type PasswordRules } from './password-validation';

/** The entities of accounts, for createApp({ entities }). */
export const AUTH_ENTITIES: readonly Function[] = [User, Group, ApiToken];

/**
 * What createApp needs for accounts: the entities, Accounts (also the USER_LOADER) and
 * ApiTokens; with `{ tokens: true }` also TokenAuthMiddleware for `Authorization: Token/Bearer`.
 */
export function authApp(options: { tokens?: boolean } = {}): Required<Pick<CreateAppOptions, 'entities' | 'providers' | 'middleware'>> {
  return {
    entities: [...AUTH_ENTITIES],
    providers: [Accounts, ApiTokens, { provide: USER_LOADER, useFactory: (accounts: Accounts) => accounts, inject: [Accounts] }],
    middleware: options.tokens ? [TokenAuthMiddleware] : [],
  };
}
