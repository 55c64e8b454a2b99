import { expect } from 'chai';
import { Get, Http404, RequestIdMiddleware, Route } from 'rondo';
import { TestClient } from 'rondo/testing';
import { capturingLogger, makeApp, makeFullApp } from '../fixtures/apps';

const NEW_ID = /^[0-9a-f]{16}-[0-9a-z]+$/; // a new id: process prefix and counter

@Route('/ids')
class Ids {
  @Get('/') mine() {
    return { ok: true };
  }
  @Get('/missing') missing(): never {
    throw new Http404('No such thing');
  }
  @Get('/boom') boom(): never {
    throw new Error('kaput');
  }
}

describe('RequestIdMiddleware (a request id on every request)', () => {
  it('is in the default stack: every response carries a new id in X-Request-Id', async () => {
    const client = new TestClient(await makeFullApp({ controllers: [Ids] }));
    const first = await client.get('/ids/');
    const second = await client.get('/ids/');
    expect(first.headers.get('x-request-id')).to.match(NEW_ID);
    expect(second.headers.get('x-request-id')).to.match(NEW_ID).and.not.equal(first.headers.get('x-request-id'));
    expect((await client.get('/nowhere')).headers.get('x-request-id')).to.match(NEW_ID);
  });

  it('takes the id a trusted proxy sends, and ignores it from anyone else or when it is not a short token', async () => {
    const app = await makeApp({
      controllers: [Ids],
      settings: { middleware: [RequestIdMiddleware], trustedProxies: ['10.0.0.1'] },
    });
    const client = new TestClient(app);
    const proxied = await client.get('/ids/', {
      headers: { 'x-request-id': 'nginx-7f3a9c' },
      remoteAddress: '10.0.0.1',
    });
    expect(proxied.headers.get('x-request-id')).to.equal('nginx-7f3a9c');
    const direct = await client.get('/ids/', { headers: { 'x-request-id': 'forged' }, remoteAddress: '203.0.113.9' });
    expect(direct.headers.get('x-request-id')).to.match(NEW_ID);
    const odd = await client.get('/ids/', {
      headers: { 'x-request-id': 'two words<script>' },
      remoteAddress: '10.0.0.1',
    });
    expect(odd.headers.get('x-request-id')).to.match(NEW_ID);
    const long = await client.get('/ids/', { headers: { 'x-request-id': 'a'.repeat(129) }, remoteAddress: '10.0.0.1' });
    expect(long.headers.get('x-request-id')).to.match(NEW_ID);
  });

  it('uses settings.requestIdHeader for both directions', async () => {
    const app = await makeApp({
      controllers: [Ids],
      settings: {
        middleware: [RequestIdMiddleware],
        trustedProxies: ['10.0.0.1'],
        requestIdHeader: 'X-Correlation-Id',
      },
    });
    const answer = await new TestClient(app).get('/ids/', {
      headers: { 'x-correlation-id': 'abc-1' },
      remoteAddress: '10.0.0.1',
    });
    expect(answer.headers.get('x-correlation-id')).to.equal('abc-1');
    expect(answer.headers.has('x-request-id')).to.equal(false);
  });

  it('shows the id on error pages, in problem+json and in the error log line', async () => {
    const logger = capturingLogger();
    const client = new TestClient(
      await makeApp({ controllers: [Ids], logger, settings: { middleware: [RequestIdMiddleware] } }),
    );
    const page = await client.get('/ids/missing');
    const id = page.headers.get('x-request-id')!;
    expect(page.status).to.equal(404);
    expect(page.text).to.include(`Request ID: <code>${id}</code>`);
    const problem = await client.get('/ids/missing', { headers: { accept: 'application/json' } });
    expect(problem.json()).to.include({ status: 404, requestId: problem.headers.get('x-request-id') });
    const crash = await client.get('/ids/boom');
    expect(crash.status).to.equal(500);
    expect(crash.text).to.include(crash.headers.get('x-request-id')!).and.not.include('kaput');
    expect(logger.lines.find((l) => l.level === 'error')!.message).to.equal(
      `Internal Server Error: GET /ids/boom (request ${crash.headers.get('x-request-id')})`,
    );
  });
});
