/**
 * `rondo/auth`: users, groups and permissions, account pages, API tokens and login
 * throttling for apps with models (Django's contrib.auth). An app that does not import
 * this loads none of it.
 *
 * ```ts
 * import { authApp } from 'rondo/auth';
 * createApp({ apps: [authApp({ views: true, tokens: true })], entities: [Article], controllers: [ArticleController] });
 * ```
 */
import { join } from 'node:path';
import { ImproperlyConfigured, Route, SETTINGS, USER_LOADER, type AppModule, type Settings } from '../index';
import { AUTH_CHALLENGE } from '../middleware/authentication';
import { repositoryToken } from '../db/repository-token';
import { Accounts } from './accounts';
import { ApiToken, Group, User, setUserEntity } from './entities';
import { AccountRateLimits } from './account-limits';
import { LoginThrottle } from './login-throttle';
import { AUTH_MIGRATIONS } from './migrations';
import { PasswordResetTokens } from './reset-tokens';
import { ApiTokens, TokenAuthMiddleware, tokenChallenge } from './tokens';
import { AccountViews, NAMESPACE } from './views';

export { Accounts, type NewUser } from './accounts';
export { ApiToken, Group, User, normalizeEmail, normalizeUsername } from './entities';
export { ApiTokens, TokenAuthMiddleware } from './tokens';
export { AccountViews } from './views';
export { LoginThrottle } from './login-throttle';
export { AccountRateLimits } from './account-limits';
export { AUTH_MIGRATIONS } from './migrations';
export { PasswordResetTokens } from './reset-tokens';
export {
  ACCOUNT_MESSAGES,
  PasswordField,
  USERNAME_PATTERN,
  LoginForm,
  PasswordChangeForm,
  PasswordResetForm,
  SetPasswordForm,
  SignupForm,
} from './forms';
export {
  DEFAULT_PASSWORD_RULES,
  MAX_PASSWORD_LENGTH,
  validatePassword,
  type PasswordRules,
} from './password-validation';

/** The entities of accounts with the default User, for createApp({ entities }). */
export const AUTH_ENTITIES: readonly Function[] = [User, Group, ApiToken];

/** The default templates of the account pages (`registration/*.ejs`); the app's own override them by name. */
export const AUTH_TEMPLATES_DIR = join(__dirname, '..', '..', '..', 'src', 'accounts', 'templates');

export interface AuthAppOptions {
  /** Adds TokenAuthMiddleware: `Authorization: Token <t>` / `Bearer <t>` for API clients. */
  tokens?: boolean;
  /** Mounts the account pages (sign-up, login, logout, password change and reset). */
  views?: boolean;
  /** Where the pages live. Default '/accounts' (settings.loginUrl's default points there). */
  prefix?: string;
  /** A subclass of User (an `@Entity` with more columns, or its own table) to use instead (Django's AUTH_USER_MODEL). */
  user?: typeof User;
}

/** What an app with accounts needs, as one part for `createApp({ apps: [authApp()] })`. */
export function authApp(options: AuthAppOptions = {}): Required<AppModule> {
  const user = options.user ?? User;
  if (user !== User && !(user.prototype instanceof User)) {
    throw new ImproperlyConfigured(
      'AUTH_USER_ENTITY',
      `authApp({ user: ${String((user as { name?: string })?.name)} }): the user entity must extend rondo/auth's User (class Member extends User, decorated with @Entity)`,
    );
  }
  setUserEntity(user);
  const controllers: NonNullable<AppModule['controllers']> = [];
  if (options.views) {
    @Route(options.prefix ?? '/accounts', { name: NAMESPACE })
    class MountedAccountViews extends AccountViews {}
    controllers.push(MountedAccountViews);
  }
  const accounts =
    user === User
      ? Accounts
      : {
          provide: Accounts,
          useFactory: (users: never, settings: never) => new Accounts(users, settings),
          inject: [repositoryToken(user), SETTINGS],
        };
  return {
    entities: [user, Group, ApiToken],
    providers: [
      accounts,
      ApiTokens,
      LoginThrottle,
      AccountRateLimits,
      PasswordResetTokens,
      { provide: USER_LOADER, useFactory: (found: Accounts) => found, inject: [Accounts] },
      ...(options.tokens
        ? [
            {
              provide: AUTH_CHALLENGE,
              useFactory: (settings: Settings) => tokenChallenge(settings),
              inject: [SETTINGS],
            },
          ]
        : []),
    ],
    middleware: options.tokens ? [TokenAuthMiddleware] : [],
    controllers,
    templateDirs: options.views ? [AUTH_TEMPLATES_DIR] : [],
    // The default tables come with a migration (Django's auth migrations); a swapped user's app writes its own.
    migrations: user === User ? [...AUTH_MIGRATIONS] : [],
    commands: [],
  };
}
