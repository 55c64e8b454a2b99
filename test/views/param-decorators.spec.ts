import { expect } from 'chai';
import { IsEmail, IsString, Length } from 'class-validator';
import { Body, Conflict, CsrfExempt, Get, Post, Route, Unauthorized, UnprocessableContent } from 'rondo';
import { TestClient } from 'rondo/testing';
import { makeApp } from '../fixtures/apps';

class NewUser {
  @IsString() @Length(1, 40) username!: string;
  @IsEmail() email!: string;
}

@Route('/users')
@CsrfExempt()
class UserController {
  @Post('') create(@Body('user') user: NewUser) {
    return { user: { username: user.username, email: user.email } };
  }
  @Post('/raw') raw(@Body('user') user: unknown) {
    return { got: user ?? null };
  }
  @Get('/401') unauthorized() {
    throw new Unauthorized('Token expired');
  }
  @Get('/409') conflict() {
    throw new Conflict('That username is taken', { field: 'username' });
  }
  @Get('/422') unprocessable() {
    throw new UnprocessableContent('Cannot follow yourself');
  }
}

describe("@Body('key'): one member of the body", () => {
  const client = async () => new TestClient(await makeApp({ controllers: [UserController] }));

  it('validates the member against the DTO (the RealWorld { "user": { ... } } shape)', async () => {
    const response = await (
      await client()
    ).post('/users', { json: { user: { username: 'ann', email: 'ann@example.com', admin: true } } });
    expect(response.status).to.equal(200);
    expect(response.json()).to.deep.equal({ user: { username: 'ann', email: 'ann@example.com' } });
  });

  it("answers 400 with the member's field errors, and 400 naming the member when it is missing", async () => {
    const c = await client();
    const invalid = await c.post('/users', {
      json: { user: { username: '', email: 'nope' } },
      headers: { accept: 'application/json' },
    });
    expect(invalid.status).to.equal(400);
    expect(invalid.json().errors).to.have.keys('username', 'email');
    for (const body of [{ username: 'ann' }, ['user'], 'user']) {
      const missing = await c.post('/users', { json: body, headers: { accept: 'application/json' } });
      expect(missing.status, JSON.stringify(body)).to.equal(400);
      expect(missing.json().detail).to.include("'user' member");
    }
  });

  it('takes JSON only for a keyed DTO (415 for a form), and gives the raw member without a DTO', async () => {
    const c = await client();
    const form = await c.post('/users', { data: { user: 'ann' } });
    expect(form.status).to.equal(415);
    expect((await c.post('/users/raw', { json: { user: [1, 2] } })).json()).to.deep.equal({ got: [1, 2] });
    expect((await c.post('/users/raw', { json: { other: 1 } })).json()).to.deep.equal({ got: null });
    expect((await c.post('/users/raw', { json: 5 })).status).to.equal(400);
  });
});

describe('the 401, 409 and 422 error classes', () => {
  it('answer with their status and message (problem+json for JSON clients, extra members kept)', async () => {
    const c = new TestClient(await makeApp({ controllers: [UserController] }));
    const headers = { accept: 'application/json' };
    const unauthorized = await c.get('/users/401', { headers });
    expect(unauthorized.status).to.equal(401);
    expect(unauthorized.json().detail).to.equal('Token expired');
    const conflict = await c.get('/users/409', { headers });
    expect(conflict.status).to.equal(409);
    expect(conflict.json()).to.include({ detail: 'That username is taken', field: 'username' });
    expect((await c.get('/users/422', { headers })).status).to.equal(422);
  });
});
