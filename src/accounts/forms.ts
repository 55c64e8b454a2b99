/** The forms of the account views (Django's UserCreationForm, AuthenticationForm, ...). */
import { IsEmail, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class SignupForm {
  @IsString() @MaxLength(150) @Matches(/^[\w.@+-]+$/, { message: 'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.' })
  username!: string;

  @IsOptional() @IsEmail() @MaxLength(254) email?: string;
  @IsString() @IsNotEmpty() password1!: string;
  @IsString() @IsNotEmpty() password2!: string;
}

export class LoginForm {
  /** The login field's value: a username or an e-mail address (settings.authLoginField). */
  @IsString() @IsNotEmpty() @MaxLength(254) username!: string;
  @IsString() @IsNotEmpty() @MaxLength(4096) password!: string;
}

export class PasswordChangeForm {
  @IsString() @IsNotEmpty() oldPassword!: string;
  @IsString() @IsNotEmpty() newPassword1!: string;
  @IsString() @IsNotEmpty() newPassword2!: string;
}

export class PasswordResetForm {
  @IsEmail() @MaxLength(254) email!: string;
}

export class SetPasswordForm {
  @IsString() @IsNotEmpty() newPassword1!: string;
  @IsString() @IsNotEmpty() newPassword2!: string;
}

/** Django's messages, in one place. */
export const ACCOUNT_MESSAGES = {
  passwordMismatch: 'The two password fields didn’t match.',
  usernameTaken: 'A user with that username already exists.',
  emailTaken: 'A user with that email address already exists.',
  emailRequired: 'This field is required.',
  invalidLogin: (field: string) => `Please enter a correct ${field} and password. Note that both fields may be case-sensitive.`,
  oldPasswordWrong: 'Your old password was entered incorrectly. Please enter it again.',
} as const;
