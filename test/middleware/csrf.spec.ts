import { expect } from 'chai';
import { CsrfExempt, Get, getToken, HttpRequest, Post, Route } from 'rondo';
import { TestClient } from 'rondo/testing';
import { makeFullApp } from '../fixtures/apps';

@Route('')
class FormController {
  @Get('/form') form(request: HttpRequest) {
    return { token: getToken(request) };
  }
  @Post('/submit') submit() {
    return 'accepted';
  }
  @Post('/hook') @CsrfExempt() hook() {
    return 'exempt';
  }
}

async function browser(settings = {}) {
  const client = new TestClient(await makeFullApp({ controllers: [FormController], settings }), {
    enforceCsrfChecks: true,
  });
  const token = (await client.get('/form')).json().token as string;
  return { client, token };
}

describe('CsrfViewMiddleware', () => {
  it('sets the secret cookie when a token is used, and masks the token differently on every request', async () => {
    const client = new TestClient(await makeFullApp({ controllers: [FormController] }), { enforceCsrfChecks: true });
    const first = await client.get('/form');
    expect(first.cookies.get('csrftoken')).to.match(/^csrftoken=[A-Za-z0-9]{32};/);
    expect(first.cookies.get('csrftoken')).to.include('SameSite=Lax');
    const second = await client.get('/form');
    expect(first.json().token).to.have.length(64);
    expect(second.json().token).to.not.equal(first.json().token);
  });

  it('accepts a POST with the token in the csrfmiddlewaretoken field', async () => {
    const { client, token } = await browser();
    const response = await client.post('/submit', { data: { csrfmiddlewaretoken: token, title: 'x' } });
    expect(response.status).to.equal(200);
    expect(response.text).to.equal('accepted');
  });

  it('accepts the token in the X-CSRFToken header (AJAX)', async () => {
    const { client, token } = await browser();
    expect((await client.post('/submit', { json: { a: 1 }, headers: { 'x-csrftoken': token } })).status).to.equal(200);
  });

  it('answers 403 with the reason when the token is missing, wrong or malformed', async () => {
    const { client, token } = await browser();
    const missing = await client.post('/submit', { data: { title: 'x' } });
    expect(missing.status).to.equal(403);
    expect(missing.text).to.include('CSRF token missing');
    const wrong = await client.post('/submit', { data: { csrfmiddlewaretoken: 'a'.repeat(64) } });
    expect(wrong.text).to.include('CSRF token incorrect');
    const short = await client.post('/submit', { data: { csrfmiddlewaretoken: token.slice(1) } });
    expect(short.text).to.include('incorrect length');
    const bad = await client.post('/submit', { data: { csrfmiddlewaretoken: `${token.slice(2)}!!` } });
    expect(bad.text).to.include('invalid characters');
  });

  it('answers 403 when the CSRF cookie was never set', async () => {
    const client = new TestClient(await makeFullApp({ controllers: [FormController] }), { enforceCsrfChecks: true });
    const response = await client.post('/submit', { data: { csrfmiddlewaretoken: 'a'.repeat(64) } });
    expect(response.status).to.equal(403);
    expect(response.text).to.include('CSRF cookie not set');
  });

  it('checks the Origin header against the host and csrfTrustedOrigins', async () => {
    const { client, token } = await browser({ csrfTrustedOrigins: ['https://*.example.com'] });
    const data = { csrfmiddlewaretoken: token };
    expect((await client.post('/submit', { data, headers: { origin: 'http://testserver' } })).status).to.equal(200);
    expect((await client.post('/submit', { data, headers: { origin: 'https://app.example.com' } })).status).to.equal(
      200,
    );
    const evil = await client.post('/submit', { data, headers: { origin: 'https://evil.com' } });
    expect(evil.status).to.equal(403);
    expect(evil.text).to.include('Origin checking failed - https://evil.com does not match');
  });

  it('requires a same-origin HTTPS Referer on secure requests without Origin', async () => {
    const { client, token } = await browser();
    const data = { csrfmiddlewaretoken: token };
    expect((await client.post('/submit', { data, secure: true })).text).to.include('no Referer');
    expect(
      (await client.post('/submit', { data, secure: true, headers: { referer: 'http://testserver/form' } })).text,
    ).to.include('insecure');
    expect(
      (await client.post('/submit', { data, secure: true, headers: { referer: 'https://evil.com/x' } })).status,
    ).to.equal(403);
    expect(
      (await client.post('/submit', { data, secure: true, headers: { referer: 'https://testserver/form' } })).status,
    ).to.equal(200);
  });

  it('skips @CsrfExempt() views, safe methods, and the default TestClient', async () => {
    const strict = new TestClient(await makeFullApp({ controllers: [FormController] }), { enforceCsrfChecks: true });
    expect((await strict.post('/hook', { json: {} })).status).to.equal(200);
    const relaxed = new TestClient(await makeFullApp({ controllers: [FormController] }));
    expect((await relaxed.post('/submit', { data: { a: '1' } })).status).to.equal(200);
  });

  it('explains how to fix a failure when debug is on', async () => {
    const { client } = await browser({ debug: true });
    const response = await client.post('/submit', { data: {} });
    expect(response.text).to.include('csrfmiddlewaretoken').and.include('X-CSRFToken');
  });

  it('answers JSON clients with a problem document', async () => {
    const { client } = await browser();
    const response = await client.post('/submit', { json: { a: 1 } });
    expect(response.status).to.equal(403);
    expect(response.json().detail).to.include('CSRF token missing');
  });

  it('keeps the secret in the session with csrfUseSessions', async () => {
    const { client, token } = await browser({ csrfUseSessions: true });
    expect(client.cookies.has('csrftoken')).to.equal(false);
    expect((await client.post('/submit', { data: { csrfmiddlewaretoken: token } })).status).to.equal(200);
  });
});
