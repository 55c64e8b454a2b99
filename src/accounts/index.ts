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
import { Group, User } from './entities';

export { Accounts, type NewUser } from './accounts';
export { Group, User } from './entities';

/** The entities of accounts, for createApp({ entities }). */
export const AUTH_ENTITIES: readonly Function[] = [User, Group];

/** What createApp needs for accounts: the entities, Accounts, and Accounts as the USER_LOADER. */
export function authApp(): { entities: Function[]; providers: NonNullable<CreateAppOptions['providers']> } {
  return { entities: [...AUTH_ENTITIES], providers: [Accounts, { provide: USER_LOADER, useFactory: (accounts: Accounts) => accounts, inject: [Accounts] }] };
}
