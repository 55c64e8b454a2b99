import { expect } from 'chai';
import { IsEmail, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { CsrfExempt, DEFAULT_VALIDATION_MESSAGES, Get, Post, Query, Route, Body } from 'rondo';
import { TestClient } from 'rondo/testing';
import { makeApp } from '../fixtures/apps';

class SignupDto {
  @IsString() @Length(3, 20) username!: string;
  @IsEmail() email!: string;
  @IsString() @Length(8, 100, { message: 'Choose a password of 8 characters or more' }) password!: string;
  @IsOptional() @IsString() bio?: string;
}

class ListQuery {
  @IsOptional() @IsInt() @Min(1) @Max(100) limit?: number;
}

@Route('/m')
@CsrfExempt()
class Forms {
  @Post('/signup') signup(@Body() input: SignupDto) {
    return { ok: input.username };
  }
  @Get('/list') list(@Query() query: ListQuery) {
    return { limit: query.limit ?? 20 };
  }
}

const JSON_ACCEPT = { accept: 'application/json' };

describe("validation messages worded as Django's", () => {
  it('says "This field is required." once for a missing field, and words length and e-mail errors', async () => {
    const client = new TestClient(await makeApp({ controllers: [Forms] }));
    const response = await client.post('/m/signup', { json: { username: 'al', email: 'nope' }, headers: JSON_ACCEPT });
    expect(response.status).to.equal(400);
    expect(response.json().errors).to.deep.equal({
      username: ['Ensure this value has at least 3 characters (it has 2).'],
      email: ['Enter a valid email address.'],
      password: ['This field is required.'],
    });
    const long = await client.post('/m/signup', {
      json: { username: 'a'.repeat(21), email: 'a@b.co', password: 'short' },
      headers: JSON_ACCEPT,
    });
    expect(long.json().errors.username).to.deep.equal(['Ensure this value has at most 20 characters (it has 21).']);
  });

  it('keeps a message the DTO wrote itself', async () => {
    const client = new TestClient(await makeApp({ controllers: [Forms] }));
    const response = await client.post('/m/signup', {
      json: { username: 'alice', email: 'a@b.co', password: 'short' },
      headers: JSON_ACCEPT,
    });
    expect(response.json().errors).to.deep.equal({ password: ['Choose a password of 8 characters or more'] });
  });

  it('gives one "Enter a whole number." for ?limit=abc, not one message per rule about NaN', async () => {
    const client = new TestClient(await makeApp({ controllers: [Forms] }));
    const response = await client.get('/m/list', { query: { limit: 'abc' }, headers: JSON_ACCEPT });
    expect(response.status).to.equal(400);
    expect(response.json().errors).to.deep.equal({ limit: ['Enter a whole number.'] });
    expect(
      (await client.get('/m/list', { query: { limit: '500' }, headers: JSON_ACCEPT })).json().errors,
    ).to.deep.equal({ limit: ['Ensure this value is less than or equal to 100.'] });
    expect((await client.get('/m/list', { query: { limit: '5' } })).json()).to.deep.equal({ limit: 5 });
  });

  it('lets settings.validationMessages replace or translate any message, in one place', async () => {
    const app = await makeApp({
      controllers: [Forms],
      settings: {
        validationMessages: {
          required: () => 'Ce champ est obligatoire.',
          isLength: ({ constraints: [min] }) => `Au moins ${String(min)} caractères.`,
        },
      },
    });
    const response = await new TestClient(app).post('/m/signup', {
      json: { username: 'al', email: 'a@b.co' },
      headers: JSON_ACCEPT,
    });
    expect(response.json().errors).to.deep.equal({
      username: ['Au moins 3 caractères.'],
      password: ['Ce champ est obligatoire.'],
    });
    expect(DEFAULT_VALIDATION_MESSAGES.required({ property: 'x', value: undefined, constraints: [] })).to.equal(
      'This field is required.',
    );
  });
});
