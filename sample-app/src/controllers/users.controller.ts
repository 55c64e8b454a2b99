/** Conduit: registration, login and the current user (`/api/users`, `/api/user`). */
import {
  ApiOperation,
  ApiResponse,
  Body,
  Get,
  HttpRequest,
  JsonErrors,
  JsonResponse,
  Post,
  Put,
  Req,
  Route,
  Unauthorized,
  UnprocessableContent,
  CsrfExempt,
} from 'rondo';
import {
  AccountRateLimits,
  Accounts,
  ApiTokens,
  LoginThrottle,
  validatePassword,
  type PasswordRules,
} from 'rondo/auth';
import { LoginDto, RegisterDto, UpdateUserDto } from '../dtos/conduit';
import { GENERIC_ERROR, UserResponse } from '../dtos/conduit-responses';
import type { Member } from '../models/member';
import { requireCaller } from './api-support';

/**
 * The API's password rules, deliberately weaker than the HTML sign-up's (rondo/auth's
 * defaults): the list of common passwords is off, because the RealWorld clients and their
 * shared test collection register users with the password "password". Every other rule
 * (length, similarity, all digits, at most 4096 characters) still applies. An app that
 * does not need to pass that collection keeps `common: true` here.
 */
export const CONDUIT_PASSWORD_RULES: Readonly<PasswordRules> = {
  minLength: 8,
  similarTo: ['username', 'email'],
  common: false,
  numeric: true,
};

const taken = (field: string) =>
  new UnprocessableContent(`${field} has already been taken`, { errors: { [field]: ['has already been taken'] } });

@Route('/api', { name: 'conduit-users' })
@JsonErrors()
@CsrfExempt()
export class UsersController {
  constructor(
    private readonly accounts: Accounts,
    private readonly tokens: ApiTokens,
    private readonly throttle: LoginThrottle,
    private readonly limits: AccountRateLimits,
  ) {}

  @ApiOperation({ tags: ['User and Authentication'], summary: 'Register' })
  @ApiResponse(201, UserResponse)
  @ApiResponse(429, GENERIC_ERROR, { headers: { 'Retry-After': 'Seconds to wait' } })
  @Post('/users', { name: 'register' })
  async register(@Req() request: HttpRequest, @Body('user') input: RegisterDto) {
    await this.limits.signup(request);
    // Accounts and the User entity normalise usernames (NFKC, unique ignoring case) and e-mails (lower case).
    const { username, email, password } = input;
    if (await this.accounts.exists(username)) throw taken('username');
    if ((await this.accounts.findByEmail(email)) !== undefined) throw taken('email');
    this.checkPassword(password, { username, email });
    const member = (await this.accounts.createUser({ username, email, password })) as Member;
    return this.answer(member, 201);
  }

  @ApiOperation({ tags: ['User and Authentication'], summary: 'Log in: the answer carries a token' })
  @ApiResponse(200, UserResponse)
  @ApiResponse(401, GENERIC_ERROR, { headers: { 'WWW-Authenticate': 'Token realm="api"' } })
  @ApiResponse(429, GENERIC_ERROR, { headers: { 'Retry-After': 'Seconds to wait' } })
  @Post('/users/login', { name: 'login' })
  async login(@Req() request: HttpRequest, @Body('user') input: LoginDto) {
    const member = (await this.throttle.attempt(request, input.email, () =>
      this.accounts.authenticate(input.email, input.password),
    )) as Member | undefined;
    if (member === undefined)
      throw new Unauthorized(
        'email or password is invalid',
        { errors: { 'email or password': ['is invalid'] } },
        'Token realm="api"',
      );
    return this.answer(member);
  }

  @ApiOperation({ tags: ['User and Authentication'], auth: 'required', summary: 'The current user' })
  @ApiResponse(200, UserResponse)
  @Get('/user', { name: 'me' })
  me(@Req() request: HttpRequest) {
    return this.answer(requireCaller(request));
  }

  @ApiOperation({
    tags: ['User and Authentication'],
    auth: 'required',
    summary: 'Update the current user (a new password revokes earlier tokens)',
  })
  @ApiResponse(200, UserResponse)
  @Put('/user', { name: 'update-me' })
  async update(@Req() request: HttpRequest, @Body('user') input: UpdateUserDto) {
    const member = requireCaller(request);
    const { username } = input;
    if (username !== undefined && (await this.accounts.exists(username, member.id))) throw taken('username');
    if (input.email !== undefined) {
      const owner = await this.accounts.findByEmail(input.email, { activeOnly: false });
      if (owner !== undefined && owner.id !== member.id) throw taken('email');
      member.email = input.email;
    }
    if (username !== undefined) member.username = username;
    if (input.bio !== undefined) member.bio = input.bio;
    if (input.image !== undefined) member.image = input.image || null;
    if (input.password !== undefined) {
      this.checkPassword(input.password, member);
      await this.accounts.setPassword(member, input.password);
    }
    return this.answer((await this.accounts.save(member)) as Member);
  }

  private checkPassword(password: string, user: { username?: string; email?: string | null }): void {
    const problems = validatePassword(password, user, CONDUIT_PASSWORD_RULES);
    if (problems.length > 0) throw new UnprocessableContent(problems.join(' '), { errors: { password: problems } });
  }

  private async answer(member: Member, status = 200) {
    const user = {
      email: member.email,
      token: await this.tokens.issueJwt(member),
      username: member.username,
      bio: member.bio ?? null,
      image: member.image ?? null,
    };
    return new JsonResponse({ user }, { status });
  }
}
