/**
 * The account pages an app mounts with one line (Django's `include('django.contrib.auth.urls')`):
 * `createApp({ apps: [authApp({ views: true })] })` serves, under `/accounts` (or `prefix`):
 *
 *   signup/  login/  logout/ (POST)  password_change/  password_change/done/
 *   password_reset/  password_reset/done/  reset/<uid>/<token>/  reset/done/
 *
 * named `accounts:signup`, `accounts:login`, ... Every page renders a template under
 * `registration/` that the app overrides by giving its own file of that name; every form
 * is CSRF-protected by the default middleware. Login follows a safe `next` only, counts
 * failures in LoginThrottle, never echoes a password into a re-rendered form, and answers the same for a wrong password
 * and an unknown user;
 * the reset request answers the same whether or not the address belongs to anyone.
 */
import { SIGNALS, userLoginFailed } from '../signals/signals';
import {
  Get,
  Inject,
  Injectable,
  LOGGER,
  LoginRequired,
  Post,
  SETTINGS,
  isSafeRedirect,
  login,
  logout,
  redirect,
  render,
  updateSessionAuthHash,
  validateForm,
  type Form,
  type HttpRequest,
  type Logger,
  type Settings,
} from '../index';
import { Mailer } from '../mail/index';
import { URL_RESOLVER } from '../routing/url-resolver';
import { AccountRateLimits } from './account-limits';
import { Accounts } from './accounts';
import type { User } from './entities';
import {
  ACCOUNT_MESSAGES,
  LoginForm,
  PasswordChangeForm,
  PasswordResetForm,
  SetPasswordForm,
  SignupForm,
} from './forms';
import { LoginThrottle } from './login-throttle';
import { PasswordResetTokens } from './reset-tokens';

type AnyForm = Form<object>;
/** The route namespace of the views: `reverse('accounts:login')`. */
export const NAMESPACE = 'accounts';
const blank = (): { values: Record<string, string>; errors: Record<string, string[]>; nonFieldErrors: string[] } => ({
  values: {},
  errors: {},
  nonFieldErrors: [],
});

/** A URL of the request's own app (several apps may live in one process). */
const urlOf = (request: HttpRequest, name: string, params?: Record<string, unknown>): string =>
  request.service(URL_RESOLVER)!.reverse(name, params);

/** The views; authApp() mounts a subclass of this at its prefix. */
@Injectable()
export class AccountViews {
  constructor(
    private readonly accounts: Accounts,
    private readonly throttle: LoginThrottle,
    private readonly limits: AccountRateLimits,
    private readonly resetTokens: PasswordResetTokens,
    private readonly mailer: Mailer,
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get('/signup/', { name: 'signup' })
  signupPage(request: HttpRequest) {
    return render(request, 'registration/signup.ejs', { form: blank() });
  }

  @Post('/signup/')
  async signup(request: HttpRequest) {
    const form = await validateForm(request, SignupForm);
    // The User entity stores the username in NFKC form; exists() compares that way too.
    const { username, email, password1, password2 } = form.data;
    if (form.isValid) {
      await this.limits.signup(request);
      if (this.settings.authLoginField === 'email' && !email) form.addError('email', ACCOUNT_MESSAGES.emailRequired);
      if (await this.accounts.exists(username)) form.addError('username', ACCOUNT_MESSAGES.usernameTaken);
      if (email && (await this.accounts.findByEmail(email)) !== undefined)
        form.addError('email', ACCOUNT_MESSAGES.emailTaken);
      this.checkNewPassword(form, 'password2', password1, password2, { username, email });
    }
    if (!form.isValid) return render(request, 'registration/signup.ejs', { form }, { status: 400 });
    const user = await this.accounts.createUser({ username, email: email || null, password: password1 });
    await login(request, user);
    request.messages?.success(`Welcome, ${user.username}! Your account was created.`);
    return redirect(this.settings.loginRedirectUrl);
  }

  @Get('/login/', { name: 'login' })
  loginPage(request: HttpRequest) {
    return render(request, 'registration/login.ejs', {
      form: blank(),
      next: this.safeNext(request) ?? '',
      loginField: this.settings.authLoginField,
    });
  }

  @Post('/login/')
  async login(request: HttpRequest) {
    const form = await validateForm(request, LoginForm);
    const next = this.safeNext(request);
    if (form.isValid) {
      const { username, password } = form.data;
      const user = await this.throttle.attempt(request, username, () => this.accounts.authenticate(username, password));
      if (user !== undefined) {
        await login(request, user);
        return redirect(next ?? this.settings.loginRedirectUrl);
      }
      await request.service(SIGNALS)?.send(userLoginFailed, { request, login: username });
      form.addError(null, ACCOUNT_MESSAGES.invalidLogin(this.settings.authLoginField));
    }
    return render(
      request,
      'registration/login.ejs',
      { form, next: next ?? '', loginField: this.settings.authLoginField },
      { status: 400 },
    );
  }

  /** POST only (a GET that logs out is a CSRF hole): Django 5 made it so. */
  @Post('/logout/', { name: 'logout' })
  async logout(request: HttpRequest) {
    const next = this.safeNext(request);
    await logout(request);
    return redirect(next ?? this.settings.logoutRedirectUrl);
  }

  @Get('/password_change/', { name: 'password_change' })
  @LoginRequired()
  passwordChangePage(request: HttpRequest) {
    return render(request, 'registration/password_change_form.ejs', { form: blank() });
  }

  @Post('/password_change/')
  @LoginRequired()
  async passwordChange(request: HttpRequest) {
    const user = (await request.auser()) as User;
    const form = await validateForm(request, PasswordChangeForm);
    if (form.isValid) {
      if (!(await this.accounts.checkPassword(user, form.data.oldPassword)))
        form.addError('oldPassword', ACCOUNT_MESSAGES.oldPasswordWrong);
      else this.checkNewPassword(form, 'newPassword2', form.data.newPassword1, form.data.newPassword2, user);
    }
    if (!form.isValid) return render(request, 'registration/password_change_form.ejs', { form }, { status: 400 });
    await this.accounts.setPassword(user, form.data.newPassword1);
    await updateSessionAuthHash(request, user); // this session stays; the user's others end
    return redirect(urlOf(request, `${NAMESPACE}:password_change_done`));
  }

  @Get('/password_change/done/', { name: 'password_change_done' })
  @LoginRequired()
  passwordChangeDone(request: HttpRequest) {
    return render(request, 'registration/password_change_done.ejs', {});
  }

  @Get('/password_reset/', { name: 'password_reset' })
  passwordResetPage(request: HttpRequest) {
    return render(request, 'registration/password_reset_form.ejs', { form: blank() });
  }

  /**
   * The same answer whether or not the address belongs to a user (no account enumeration),
   * and whether or not the mail could be sent: a failed send is logged, never shown
   * (Django's fix for CVE-2024-45231).
   */
  @Post('/password_reset/')
  async passwordReset(request: HttpRequest) {
    const form = await validateForm(request, PasswordResetForm);
    if (!form.isValid) return render(request, 'registration/password_reset_form.ejs', { form }, { status: 400 });
    await this.limits.passwordReset(request, form.data.email);
    const user = await this.accounts.findByEmail(form.data.email);
    if (user !== undefined && user.email) await this.sendResetMail(request, user, user.email);
    return redirect(urlOf(request, `${NAMESPACE}:password_reset_done`));
  }

  @Get('/password_reset/done/', { name: 'password_reset_done' })
  passwordResetDone(request: HttpRequest) {
    return render(request, 'registration/password_reset_done.ejs', {});
  }

  @Get('/reset/<str:uid>/<str:token>/', { name: 'password_reset_confirm' })
  async resetConfirmPage(request: HttpRequest, params: { uid: string; token: string }) {
    const user = await this.resetUser(params);
    return render(
      request,
      'registration/password_reset_confirm.ejs',
      { form: blank(), validLink: user !== undefined },
      { status: user === undefined ? 400 : 200 },
    );
  }

  @Post('/reset/<str:uid>/<str:token>/')
  async resetConfirm(request: HttpRequest, params: { uid: string; token: string }) {
    const user = await this.resetUser(params);
    if (user === undefined)
      return render(
        request,
        'registration/password_reset_confirm.ejs',
        { form: blank(), validLink: false },
        { status: 400 },
      );
    const form = await validateForm(request, SetPasswordForm);
    if (form.isValid) this.checkNewPassword(form, 'newPassword2', form.data.newPassword1, form.data.newPassword2, user);
    if (!form.isValid)
      return render(request, 'registration/password_reset_confirm.ejs', { form, validLink: true }, { status: 400 });
    await this.accounts.setPassword(user, form.data.newPassword1); // the token is spent: it was signed over the old hash
    return redirect(urlOf(request, `${NAMESPACE}:password_reset_complete`));
  }

  @Get('/reset/done/', { name: 'password_reset_complete' })
  resetDone(request: HttpRequest) {
    return render(request, 'registration/password_reset_complete.ejs', {});
  }

  private async sendResetMail(request: HttpRequest, user: User, to: string): Promise<void> {
    const path = urlOf(request, `${NAMESPACE}:password_reset_confirm`, {
      uid: this.resetTokens.uidOf(user),
      token: this.resetTokens.make(user),
    });
    try {
      // Through a task: a slow or dead mail server neither slows nor fails the response.
      await this.mailer.sendTemplateLater({
        to,
        subject: `Password reset on ${request.getHost()}`,
        template: 'registration/password_reset_email',
        context: { user, resetUrl: request.buildAbsoluteUri(path), site: request.getHost() },
      });
    } catch (error) {
      // No address, link or token in the line: the log may be read by others than the user.
      this.logger.error(
        `Password reset: the mail to user ${user.id} could not be queued: ${(error as Error).message ?? String(error)}`,
      );
    }
  }

  private async resetUser(params: { uid: string; token: string }): Promise<User | undefined> {
    const id = this.resetTokens.idFromUid(params.uid);
    const user = id === undefined ? undefined : await this.accounts.loadUser(id);
    return user !== undefined && this.resetTokens.check(user, params.token) ? user : undefined;
  }

  /** The two entries match and pass settings.passwordRules (errors go on `field`). */
  private checkNewPassword(
    form: AnyForm,
    field: string,
    password: string,
    again: string,
    user: { username?: string; email?: string | null },
  ): void {
    if (password !== again) form.addError(field, ACCOUNT_MESSAGES.passwordMismatch);
    else for (const message of this.accounts.validatePassword(password, user)) form.addError(field, message);
  }

  /** `next` from the form or the query string when it stays on this site, else undefined. */
  private safeNext(request: HttpRequest): string | undefined {
    const next = (request.method === 'POST' ? request.POST.get('next') : undefined) ?? request.GET.get('next');
    return isSafeRedirect(next, request.getHost(), request.isSecure()) ? next : undefined;
  }
}
