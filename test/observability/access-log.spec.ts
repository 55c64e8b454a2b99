import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import { Get, Param, Post, Route, jsonLogger, type App } from 'rondo';
import { capturingLogger, makeFullApp, type CapturingLogger } from '../fixtures/apps';
import { waitFor } from '../fixtures/sockets';

@Route('/log', { name: 'log' })
class Logged {
  @Get('/<int:id>', { name: 'item' }) item(@Param('id') id: number) {
    return { id };
  }
  @Post('/echo') echo() {
    return { ok: true };
  }
  @Get('/slow') async slow() {
    await new Promise((done) => setTimeout(done, 300));
    return { late: true };
  }
}

describe('the access log (settings.accessLog)', () => {
  let app: App;
  let logger: CapturingLogger;
  let base: string;
  before(async () => {
    logger = capturingLogger();
    app = await makeFullApp({ controllers: [Logged], logger, settings: { accessLog: true } });
    base = (await app.listen({ port: 0, handleSignals: false })).url;
  });
  after(() => app.close());

  const accessLines = () => logger.lines.filter((l) => l.fields?.method !== undefined);

  it('writes one line per request: method, path, route name, status, duration, bytes and request id', async () => {
    const answer = await fetch(`${base}/log/7?token=secret-in-query`, {
      headers: { authorization: 'Token abc123', cookie: 'sessionid=s3cr3t' },
    });
    await answer.text();
    expect(await waitFor(() => accessLines().length === 1)).to.equal(true);
    const [line] = accessLines();
    expect(line.message).to.equal('GET /log/7 200');
    expect(line.fields).to.include({
      method: 'GET',
      path: '/log/7',
      route: 'log:item',
      status: 200,
      requestId: answer.headers.get('x-request-id'),
    });
    expect(line.fields!.durationMs).to.be.a('number').and.at.least(0);
    expect(line.fields!.bytes).to.be.greaterThan(Number(answer.headers.get('content-length')));
    const text = JSON.stringify(logger.lines);
    for (const secret of ['secret-in-query', 'abc123', 's3cr3t']) expect(text).not.to.include(secret);
  });

  it('logs refusals and unknown paths too (no route name), and says so when the client left early', async () => {
    await (await fetch(`${base}/nowhere`)).text();
    await (await fetch(`${base}/log/echo`, { method: 'POST' })).text(); // CSRF refuses it: 403
    expect(await waitFor(() => accessLines().length >= 3)).to.equal(true);
    const [, missing, refused] = accessLines();
    expect(missing.fields).to.include({ path: '/nowhere', status: 404, route: undefined });
    expect(refused.fields).to.include({ method: 'POST', path: '/log/echo', status: 403, route: '/log/echo' });
    const leaving = new AbortController();
    const gone = fetch(`${base}/log/slow`, { signal: leaving.signal }).catch((e: unknown) => e);
    setTimeout(() => leaving.abort(), 50);
    await gone;
    expect(await waitFor(() => accessLines().length >= 4, 3000)).to.equal(true);
    expect(accessLines()[3].fields).to.include({ path: '/log/slow', aborted: true });
  });

  it('is off by default', async () => {
    const quiet = capturingLogger();
    const other = await makeFullApp({ controllers: [Logged], logger: quiet });
    try {
      const url = (await other.listen({ port: 0, handleSignals: false })).url;
      await (await fetch(`${url}/log/1`)).text();
      expect(quiet.lines.filter((l) => l.level === 'info')).to.deep.equal([]);
    } finally {
      await other.close();
    }
  });
});

describe('JSON logs (settings.logFormat: json, through pino)', () => {
  it('writes one JSON object per line, fields as members, errors with their stack under err', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk) => {
      text += chunk;
    });
    const logger = jsonLogger({ destination: out });
    logger.info('GET /x 200', { method: 'GET', status: 200, requestId: 'r-1' });
    logger.error('Internal Server Error: GET /y', new Error('kaput'));
    logger.debug('not shown');
    await waitFor(() => text.split('\n').length >= 3);
    const [first, second, ...rest] = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(first).to.include({
      level: 30,
      msg: 'GET /x 200',
      method: 'GET',
      status: 200,
      requestId: 'r-1',
      pid: process.pid,
    });
    expect(first.time).to.match(/^\d{4}-\d\d-\d\dT/);
    expect(second).to.include({ level: 50, msg: 'Internal Server Error: GET /y' });
    expect((second.err as { message: string; stack: string }).stack).to.include('kaput');
    expect(rest).to.deep.equal([]);
  });

  it('is what createApp uses for logFormat json; another word is refused at start-up', async () => {
    const error = await makeFullApp({ logger: undefined, settings: { logFormat: 'xml' as never } }).catch(
      (e: unknown) => e,
    );
    expect(error).to.have.property('code', 'LOG_FORMAT_UNKNOWN');
    expect((error as Error).message)
      .to.include("use one of 'text', 'json'")
      .and.include('RONDO_LOG_FORMAT');
  });
});
