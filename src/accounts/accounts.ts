/**
 * Accounts over the User entity: create users and superusers, authenticate by the login
 * field (`settings.authLoginField`: username or e-mail) with a rehash when the hashing
 * parameters got stronger, and the UserLoader that AuthenticationMiddleware uses.
 */
import type { Repository } from 'typeorm';
import {
  Inject,
  Injectable,
  InjectRepository,
  SETTINGS,
  makePassword,
  needsRehash,
  verifyPassword,
  type Settings,
  type UserLoader,
} from '../index';
import { User, normalizeEmail, normalizeUsername } from './entities';
import { DEFAULT_PASSWORD_RULES, validatePassword } from './password-validation';

export interface NewUser {
  username: string;
  password: string;
  email?: string | null;
  isStaff?: boolean;
  isSuperuser?: boolean;
  permissions?: string[];
}

@Injectable()
export class Accounts implements UserLoader {
  /** Verified for unknown users, so that the time taken does not say whether a login exists. */
  private dummyHash: Promise<string> | undefined;

  // settings.authLoginField is 'username' or 'email': resolveSettings checks it at start-up.
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  /** USER_LOADER: the active user with this id (groups loaded), else undefined. */
  async loadUser(id: string): Promise<User | undefined> {
    const key = Number(id);
    if (!Number.isSafeInteger(key)) return undefined;
    return (await this.users.findOneBy({ id: key, isActive: true })) ?? undefined;
  }

  async createUser(fields: NewUser): Promise<User> {
    const user = this.users.create({
      ...fields,
      email: fields.email ?? null,
      password: await this.hash(fields.password),
    });
    return this.users.save(user);
  }

  /**
   * True when a user other than `exceptId` has this username, ignoring case and Unicode
   * compatibility forms (Django's UserCreationForm refuses "Ann" beside "ann").
   */
  async exists(username: string, exceptId?: number): Promise<boolean> {
    const query = this.users
      .createQueryBuilder('user')
      .where('LOWER(user.username) = :wanted', { wanted: normalizeUsername(username).toLowerCase() });
    if (exceptId !== undefined) query.andWhere('user.id != :exceptId', { exceptId });
    return (await query.getCount()) > 0;
  }

  createSuperuser(fields: NewUser): Promise<User> {
    return this.createUser({ ...fields, isStaff: true, isSuperuser: true });
  }

  /** The active user whose login field and password match, else undefined (the same time either way). */
  async authenticate(login: string, password: string): Promise<User | undefined> {
    const user =
      this.settings.authLoginField === 'email'
        ? await this.findByEmail(login, { activeOnly: false })
        : ((await this.users.findOneBy({ username: normalizeUsername(login) })) ?? undefined);
    if (user === undefined) {
      this.dummyHash ??= this.hash('not a password of anyone');
      await verifyPassword(password, await this.dummyHash);
      return undefined;
    }
    if (!(await verifyPassword(password, user.password)) || !user.isActive) return undefined;
    if (needsRehash(user.password, { algorithm: this.settings.passwordHasher }))
      user.password = await this.hash(password);
    user.lastLogin = new Date();
    return this.users.save(user);
  }

  /** The rules of settings.passwordRules the password breaks for `user` (empty when acceptable). */
  validatePassword(password: string, user: Partial<Pick<User, 'username' | 'email'>> = {}): string[] {
    return validatePassword(password, user, { ...DEFAULT_PASSWORD_RULES, ...this.settings.passwordRules });
  }

  /** True when `password` is the user's (Django's user.check_password). */
  checkPassword(user: User, password: string): Promise<boolean> {
    return verifyPassword(password, user.password);
  }

  async setPassword(user: User, password: string): Promise<void> {
    user.password = await this.hash(password);
    await this.users.save(user);
  }

  /** The active user (any user with `activeOnly: false`) with this e-mail address, ignoring case; else undefined. */
  async findByEmail(email: string, { activeOnly = true } = {}): Promise<User | undefined> {
    const wanted = normalizeEmail(email);
    if (wanted === '') return undefined;
    const query = this.users.createQueryBuilder('user').where('LOWER(user.email) = :wanted', { wanted });
    if (activeOnly) query.andWhere('user.isActive = :active', { active: true });
    return (await query.getOne()) ?? undefined;
  }

  /** Saves changes made to `user` (its profile fields). */
  save(user: User): Promise<User> {
    return this.users.save(user);
  }

  private hash(password: string): Promise<string> {
    return makePassword(password, { algorithm: this.settings.passwordHasher });
  }
}
