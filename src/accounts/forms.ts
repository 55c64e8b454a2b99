/** The forms of the account views (Django's UserCreationForm, AuthenticationForm, ...). */
import { IsEmail, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { MAX_PASSWORD_LENGTH } from './password-validation';

/**
 * A password field: a non-empty string of at most MAX_PASSWORD_LENGTH characters (the
 * bound keeps hashing and the similarity rule cheap for any input) without NUL characters
 * (Django's forms refuse them: C libraries and databases cut a string there).
 */
export function PasswordField(): PropertyDecorator {
  const rules = [
    IsString(),
    IsNotEmpty(),
    MaxLength(MAX_PASSWORD_LENGTH, { message: `Ensure this value has at most ${MAX_PASSWORD_LENGTH} characters.` }),
    Matches(/^[^\0]*$/, { message: 'Null characters are not allowed.' }),
  ];
  return (target, key) => {
    for (const rule of rules) rule(target, key);
  };
}

/** Django's username rule: letters, digits and @/./+/-/_ (any script: `\p{L}`), at most 150. */
export const USERNAME_PATTERN = /^[\p{L}\p{N}_.@+-]+$/u;
const USERNAME_MESSAGE =
  'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.';

export class SignupForm {
  @IsString()
  @MaxLength(150)
  @Matches(USERNAME_PATTERN, { message: USERNAME_MESSAGE })
  username!: string;

  @IsOptional() @IsEmail() @MaxLength(254) email?: string;
  @PasswordField() password1!: string;
  @PasswordField() password2!: string;
}

export class LoginForm {
  /** The login field's value: a username or an e-mail address (settings.authLoginField). */
  @IsString() @IsNotEmpty() @MaxLength(254) username!: string;
  @PasswordField() password!: string;
}

export class PasswordChangeForm {
  @PasswordField() oldPassword!: string;
  @PasswordField() newPassword1!: string;
  @PasswordField() newPassword2!: string;
}

export class PasswordResetForm {
  @IsEmail() @MaxLength(254) email!: string;
}

export class SetPasswordForm {
  @PasswordField() newPassword1!: string;
  @PasswordField() newPassword2!: string;
}

/** Django's messages, in one place. */
export const ACCOUNT_MESSAGES = {
  passwordMismatch: 'The two password fields didn’t match.',
  usernameTaken: 'A user with that username already exists.',
  emailTaken: 'A user with that email address already exists.',
  emailRequired: 'This field is required.',
  invalidLogin: (field: string) =>
    `Please enter a correct ${field} and password. Note that both fields may be case-sensitive.`,
  oldPasswordWrong: 'Your old password was entered incorrectly. Please enter it again.',
} as const;
