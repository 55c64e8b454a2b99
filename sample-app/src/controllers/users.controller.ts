/** Conduit: registration, login and the current user (`/api/users`, `/api/user`). */
import { Body, Get, HttpRequest, JsonErrors, JsonResponse, Post, Put, Req, Route, Unauthorized, UnprocessableContent, CsrfExempt } from 'rondo';
import { Accounts, ApiTokens, LoginThrottle, validatePassword } from 'rondo/auth';
import { LoginDto, RegisterDto, UpdateUserDto } from '../dtos/conduit';
import type { Member } from '../models/member';
import { requireCaller } from './api-support';

/** The API's password rule: Conduit clients (and its test suite) send short everyday passwords. */
const API_PASSWORD_RULES = { minLength: 8, similarTo: ['username', 'email'], common: false, numeric: true } as const;

const taken = (field: string) => new UnprocessableContent(`${field} has already been taken`, { errors: { [field]: ['has already been taken'] } });

@Route('/api', { name: 'conduit-users' }) @JsonErrors() @CsrfExempt()
export class UsersController {
  constructor(private readonly accounts: Accounts, private readonly tokens: ApiTokens, private readonly throttle: LoginThrottle) {}

  @Post('/users', { name: 'register' })
  async register(@Body('user') input: RegisterDto) {
    if (await this.accounts.exists(input.username)) throw taken('username');
    if ((await this.accounts.findByEmail(input.email)) !== undefined) throw taken('email');
    this.checkPassword(input.password, input);
    const member = (await this.accounts.createUser({ username: input.username, email: input.email.trim().toLowerCase(), password: input.password })) as Member;
    return this.answer(member, 201);
  }

  @Post('/users/login', { name: 'login' })
  async login(@Req() request: HttpRequest, @Body('user') input: LoginDto) {
    await this.throttle.check(request, input.email);
    const member = (await this.accounts.authenticate(input.email.trim().toLowerCase(), input.password)) as Member | undefined;
    if (member === undefined) {
      await this.throttle.failed(request, input.email);
      throw new Unauthorized('email or password is invalid', { errors: { 'email or password': ['is invalid'] } }, 'Token realm="api"');
    }
    return this.answer(member);
  }

  @Get('/user', { name: 'me' })
  me(@Req() request: HttpRequest) {
    return this.answer(requireCaller(request));
  }

  @Put('/user', { name: 'update-me' })
  async update(@Req() request: HttpRequest, @Body('user') input: UpdateUserDto) {
    const member = requireCaller(request);
    if (input.username !== undefined && input.username !== member.username && (await this.accounts.exists(input.username))) throw taken('username');
    if (input.email !== undefined) {
      const owner = await this.accounts.findByEmail(input.email);
      if (owner !== undefined && owner.id !== member.id) throw taken('email');
      member.email = input.email.trim().toLowerCase();
    }
    if (input.username !== undefined) member.username = input.username;
    if (input.bio !== undefined) member.bio = input.bio;
    if (input.image !== undefined) member.image = input.image || null;
    if (input.password !== undefined) {
      this.checkPassword(input.password, member);
      await this.accounts.setPassword(member, input.password);
    }
    return this.answer((await this.accounts.save(member)) as Member);
  }

  private checkPassword(password: string, user: { username?: string; email?: string | null }): void {
    const problems = validatePassword(password, user as Record<string, unknown>, API_PASSWORD_RULES);
    if (problems.length > 0) throw new UnprocessableContent(problems.join(' '), { errors: { password: problems } });
  }

  private async answer(member: Member, status = 200) {
    const user = { email: member.email, token: await this.tokens.issueJwt(member), username: member.username, bio: member.bio ?? null, image: member.image ?? null };
    return new JsonResponse({ user }, { status });
  }
}
