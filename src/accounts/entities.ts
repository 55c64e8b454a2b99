/**
 * Django's contrib.auth models for Rondo: `User` (login by username or e-mail, a password
 * hash, active / staff / superuser flags, last login, date joined) and `Group`, with
 * permissions as `app.codename` strings on both. `user.hasPerm()` counts the user's own
 * permissions, its groups' and superuser status, as Django's ModelBackend does.
 */
import {
  BeforeInsert,
  BeforeUpdate,
  Column,
  CreateDateColumn,
  Entity,
  JoinTable,
  ManyToMany,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';

/**
 * A username as stored and compared: Unicode NFKC (Django's AbstractBaseUser.normalize_username), so "ｆｕｌｌ" is "full".
 */
export const normalizeUsername = (username: string): string => username.normalize('NFKC');

/**
 * An e-mail address as stored and compared: trimmed and lower-cased, once, here. (Django
 * lower-cases the domain only; nearly every mail host ignores the local part's case, and
 * one form for both means an address typed "Ann`@Example`.com" at sign-up logs in as typed
 * anywhere.)
 */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

@Entity({ name: 'rondo_group' })
export class Group {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 150, unique: true }) name!: string;
  /** `app.codename` strings, e.g. 'blog.delete_post'. */
  @Column({ type: 'simple-json' }) permissions: string[] = [];
}

@Entity({ name: 'rondo_user' })
export class User {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 150, unique: true }) username!: string;
  @Column({ type: 'varchar', length: 254, unique: true, nullable: true }) email: string | null = null;
  /** makePassword()'s encoding (scrypt by default); never the password. */
  @Column({ type: 'varchar', length: 255 }) password!: string;
  @Column({ type: 'boolean', default: true }) isActive = true;
  @Column({ type: 'boolean', default: false }) isStaff = false;
  @Column({ type: 'boolean', default: false }) isSuperuser = false;
  @Column({ type: Date, nullable: true }) lastLogin: Date | null = null;
  @CreateDateColumn() dateJoined!: Date;
  @Column({ type: 'simple-json' }) permissions: string[] = [];
  @ManyToMany(() => Group, { eager: true }) @JoinTable({ name: 'rondo_user_groups' }) groups!: Group[];

  /** Keeps the stored forms normal whoever writes the row (forms, the API, createUser, a script). */
  @BeforeInsert()
  @BeforeUpdate()
  normalizeFields(): void {
    if (typeof this.username === 'string') this.username = normalizeUsername(this.username);
    if (typeof this.email === 'string') this.email = normalizeEmail(this.email) || null;
  }

  /** Always true for a stored user (AnonymousUser says false). */
  get isAuthenticated(): boolean {
    return true;
  }

  /** The user's permissions and its groups'. */
  allPermissions(): Set<string> {
    return new Set([...(this.permissions ?? []), ...(this.groups ?? []).flatMap((group) => group.permissions ?? [])]);
  }

  /** Django's rule: an inactive user has none; an active superuser has every one. */
  hasPerm(permission: string): boolean {
    if (!this.isActive) return false;
    return this.isSuperuser || this.allPermissions().has(permission);
  }

  hasPerms(permissions: readonly string[]): boolean {
    return permissions.every((permission) => this.hasPerm(permission));
  }

  /** The session auth hash's source: a password change ends the user's other sessions. */
  getSessionAuthSource(): string {
    return this.password;
  }

  /** The fields a JSON answer may show (never the password hash). */
  toJSON(): Record<string, unknown> {
    return {
      id: this.id,
      username: this.username,
      email: this.email,
      isActive: this.isActive,
      isStaff: this.isStaff,
      isSuperuser: this.isSuperuser,
      lastLogin: this.lastLogin,
      dateJoined: this.dateJoined,
    };
  }
}

/**
 * The user entity of the app being built (Django's AUTH_USER_MODEL): User, or the
 * subclass given to authApp({ user }). TypeORM reads it when a database starts, so
 * ApiToken points at whichever table holds the users.
 */
let userEntity: typeof User = User;

/** authApp({ user }) sets it; an app in the same process built later with another entity sets it again. */
export function setUserEntity(entity: typeof User): void {
  userEntity = entity;
}

/** A revocable API token (DRF's TokenAuthentication): only its SHA-256 is stored. */
@Entity({ name: 'rondo_api_token' })
export class ApiToken {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 64, unique: true }) keyHash!: string;
  @ManyToOne(() => userEntity, { onDelete: 'CASCADE', eager: true }) user!: User;
  @CreateDateColumn() created!: Date;
}
