import { expect } from 'chai';
import { WebSocket as Client } from 'ws';
import {
  CsrfExempt,
  HttpResponse,
  Req,
  type HttpRequest,
  LoginRequired,
  Param,
  Post,
  Route,
  User,
  type App,
  type ServerHandle,
} from 'rondo';
import { ApiTokens, Accounts, authApp } from 'rondo/auth';
import { DATABASE, type Database } from 'rondo/db';
import { Channels, Socket, WebSocket, type WebSocketConnection } from 'rondo/realtime';
import { makeFullApp } from '../fixtures/apps';
import { REDIS_URL, requireService } from '../fixtures/services';

@Route('/ws')
class LiveController {
  constructor(private readonly channels: Channels) {}

  @WebSocket('/echo/<slug:slug>/')
  echo(@Socket() socket: WebSocketConnection, @Param('slug') slug: string) {
    socket.send({ hello: slug }); // queued until the handshake completes
    socket.onMessage((message) => socket.send({ echo: message }));
  }

  @WebSocket('/room/<slug:slug>/')
  room(@Socket() socket: WebSocketConnection, @Param('slug') slug: string) {
    socket.join(slug);
    socket.onMessage((message) => this.channels.broadcast(slug, message, { except: socket }));
    socket.send('joined');
  }

  @WebSocket('/private/')
  @LoginRequired()
  mine(@Socket() socket: WebSocketConnection, @User() user: { username: string }) {
    socket.send({ user: user.username });
  }

  @WebSocket('/refuse/<slug:slug>/')
  refuse(@Socket() socket: WebSocketConnection, @Param('slug') slug: string) {
    if (slug !== 'open') return new HttpResponse('Not yours', { status: 403 });
    socket.send('welcome');
  }

  /** Counts the visitor's connections in their session: the session cookie comes with the 101. */
  @WebSocket('/visits/')
  async visits(@Socket() socket: WebSocketConnection, @Req() request: HttpRequest) {
    const visits = ((await request.session.get<number>('visits')) ?? 0) + 1;
    await request.session.set('visits', visits);
    socket.send({ visits });
  }

  @WebSocket('/raw/', { json: false, maxPayload: 1024 })
  raw(@Socket() socket: WebSocketConnection) {
    socket.onMessage((message) => socket.send(`got ${typeof message === 'string' ? 'text' : 'binary'}`));
  }

  @WebSocket('/boom/')
  boom(@Socket() socket: WebSocketConnection) {
    socket.onMessage(() => {
      throw new Error('handler failed');
    });
  }

  @WebSocket('/flood/', { maxBuffered: 256 * 1024 })
  flood(@Socket() socket: WebSocketConnection) {
    socket.onMessage(() => {
      for (let i = 0; i < 2000 && socket.send('x'.repeat(4096)); i++);
    });
  }

  /** An HTTP view broadcasting to a room (a new comment, say). */
  @Post('/announce/<slug:slug>/')
  @CsrfExempt()
  async announce(@Param('slug') slug: string) {
    await this.channels.broadcast(slug, { announcement: slug });
    return { sent: true };
  }
}

interface Opened {
  client: Client;
  messages: unknown[];
  closed: Promise<{ code: number; reason: string }>;
  next(): Promise<unknown>;
}

/** Connects, collecting messages (parsed JSON when they are); rejects with the HTTP status of a refusal. */
function connect(url: string, headers: Record<string, string> = {}): Promise<Opened> {
  const client = new Client(url, { headers });
  const messages: unknown[] = [];
  const waiters: Array<(message: unknown) => void> = [];
  client.on('message', (data, isBinary) => {
    const text = data.toString();
    let message: unknown = text;
    if (!isBinary)
      try {
        message = JSON.parse(text);
      } catch {
        message = text;
      }
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else messages.push(message);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    client.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  return new Promise((resolve, reject) => {
    client.once('open', () =>
      resolve({
        client,
        messages,
        closed,
        next: () =>
          messages.length > 0
            ? Promise.resolve(messages.shift())
            : new Promise((done) => {
                waiters.push(done);
              }),
      }),
    );
    client.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () =>
        reject(
          Object.assign(new Error(`HTTP ${response.statusCode}`), {
            status: response.statusCode,
            body,
            headers: response.headers,
          }),
        ),
      );
    });
    client.once('error', reject);
  });
}

async function refusal(url: string, headers: Record<string, string> = {}) {
  try {
    await connect(url, headers);
  } catch (error) {
    return error as Error & { status: number; body: string; headers: Record<string, string> };
  }
  throw new Error(`${url} was accepted`);
}

async function liveApp(settings: Record<string, unknown> = {}): Promise<App> {
  const app = await makeFullApp({
    apps: [authApp({ tokens: true })],
    controllers: [LiveController],
    settings: {
      database: 'sqlite::memory:',
      allowedHosts: ['127.0.0.1'],
      csrfTrustedOrigins: ['https://app.example.com'],
      authLoginRateLimit: null,
      ...settings,
    },
  });
  await app.container.get<Database>(DATABASE).dataSource.synchronize();
  return app;
}

describe('WebSocket routes', () => {
  let app: App;
  let server: ServerHandle;
  let ws: string;
  before(async () => {
    app = await liveApp();
    server = await app.listen({ port: 0, handleSignals: false });
    ws = server.url.replace('http', 'ws');
  });
  after(() => app.close());

  it('opens, delivers what the view sent before the handshake, and answers messages (JSON both ways)', async () => {
    const socket = await connect(`${ws}/ws/echo/first/`);
    expect(await socket.next()).to.deep.equal({ hello: 'first' });
    socket.client.send(JSON.stringify({ n: 1 }));
    expect(await socket.next()).to.deep.equal({ echo: { n: 1 } });
    socket.client.close();
    expect((await socket.closed).code).to.equal(1005);
  });

  it('answers a plain GET with 426 Upgrade Required', async () => {
    const response = await fetch(`${server.url}/ws/echo/x/`);
    expect(response.status).to.equal(426);
    expect(response.headers.get('upgrade')).to.equal('websocket');
    expect(await response.text()).to.equal('This URL takes WebSocket connections only (Upgrade Required)');
  });

  it("refuses another site's Origin with 403, and takes this site's and the trusted ones", async () => {
    const refused = await refusal(`${ws}/ws/echo/x/`, { Origin: 'https://evil.example' });
    expect(refused.status).to.equal(403);
    expect(refused.body).to.include("WebSocket Origin 'https://evil.example' is not this site");
    for (const origin of [server.url, 'https://app.example.com']) {
      const socket = await connect(`${ws}/ws/echo/o/`, { Origin: origin });
      expect(await socket.next()).to.deep.equal({ hello: 'o' });
      socket.client.close();
    }
  });

  it('goes through the middleware: a Host not allowed is a 400', async () => {
    const refused = await refusal(`${ws}/ws/echo/x/`, { Host: 'evil.example' });
    expect(refused.status).to.equal(400);
  });

  it('knows the user (token auth), and @LoginRequired refuses an anonymous upgrade', async () => {
    const refused = await refusal(`${ws}/ws/private/`);
    expect(refused.status).to.equal(302); // to the login page, as any @LoginRequired page
    expect(refused.headers.location).to.match(/^\/accounts\/login\/\?next=/);
    const user = await app.container.get(Accounts).createUser({ username: 'wsuser', password: 'violet sunset 42' });
    const token = await app.container.get(ApiTokens).createToken(user);
    const socket = await connect(`${ws}/ws/private/`, { Authorization: `Token ${token}` });
    expect(await socket.next()).to.deep.equal({ user: 'wsuser' });
    socket.client.close();
  });

  it('sends the cookies the middleware set (a saved session) with the 101', async () => {
    const url = `${ws}/ws/visits/`;
    const cookieOf = (client: Client) =>
      new Promise<string>((resolve) =>
        client.once('upgrade', (response) => resolve(String(response.headers['set-cookie']?.[0] ?? ''))),
      );
    const first = new Client(url);
    const cookie = await cookieOf(first);
    expect(cookie).to.match(/^sessionid=[^;]+;.*HttpOnly/i);
    first.close();
    const again = await connect(url, { cookie: cookie.split(';')[0] });
    expect(await again.next()).to.deep.equal({ visits: 2 });
    again.client.close();
  });

  it('lets the view refuse with an HTTP answer, and 404s an unknown path', async () => {
    expect((await refusal(`${ws}/ws/refuse/theirs/`)).status).to.equal(403);
    expect((await refusal(`${ws}/ws/nowhere/`)).status).to.equal(404);
    const socket = await connect(`${ws}/ws/refuse/open/`);
    expect(await socket.next()).to.equal('welcome');
    socket.client.close();
  });

  it('closes with 1007 on a message that is not JSON, 1003 on a binary one', async () => {
    const text = await connect(`${ws}/ws/echo/bad/`);
    await text.next();
    text.client.send('{not json');
    expect(await text.closed).to.deep.equal({ code: 1007, reason: 'message is not JSON' });
    const binary = await connect(`${ws}/ws/echo/bin/`);
    await binary.next();
    binary.client.send(Buffer.from([1, 2, 3]));
    expect((await binary.closed).code).to.equal(1003);
  });

  it('closes with 1009 on a message over maxPayload, and hands raw routes strings and Buffers', async () => {
    const raw = await connect(`${ws}/ws/raw/`);
    raw.client.send('plain');
    expect(await raw.next()).to.equal('got text');
    raw.client.send(Buffer.from('bytes'));
    expect(await raw.next()).to.equal('got binary');
    raw.client.send('x'.repeat(2048));
    expect((await raw.closed).code).to.equal(1009);
  });

  it('closes with 1011 when a message handler throws', async () => {
    const socket = await connect(`${ws}/ws/boom/`);
    socket.client.send('{}');
    expect(await socket.closed).to.deep.equal({ code: 1011, reason: 'server error' });
  });

  it('drops a client that reads slower than the server sends (1013), instead of queueing without bound', async () => {
    const socket = await connect(`${ws}/ws/flood/`);
    (socket.client as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    socket.client.send('{}');
    await new Promise((resolve) => setTimeout(resolve, 300));
    (socket.client as unknown as { _socket: { resume(): void } })._socket.resume();
    const closed = await socket.closed;
    expect(closed.code).to.equal(1013);
    // 2000 × 4 KiB were asked for; at most maxBuffered (256 KiB) plus what the socket took arrived.
    expect(socket.messages.length).to.be.below(2000);
  });

  it('broadcasts to a room, leaving out the sender; an HTTP view reaches the room too', async () => {
    const [ann, bob] = await Promise.all([connect(`${ws}/ws/room/r1/`), connect(`${ws}/ws/room/r1/`)]);
    const other = await connect(`${ws}/ws/room/r2/`);
    for (const socket of [ann, bob, other]) expect(await socket.next()).to.equal('joined');
    ann.client.send(JSON.stringify({ from: 'ann' }));
    expect(await bob.next()).to.deep.equal({ from: 'ann' });
    const response = await fetch(`${server.url}/ws/announce/r1/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(response.status).to.equal(200);
    expect(await ann.next()).to.deep.equal({ announcement: 'r1' }); // not its own message first: it was left out
    expect(await bob.next()).to.deep.equal({ announcement: 'r1' });
    expect(other.messages).to.deep.equal([]);
    for (const socket of [ann, bob, other]) socket.client.close();
    await Promise.all([ann.closed, bob.closed, other.closed]);
    expect(app.container.get(Channels).members('r1')).to.equal(0);
  });

  it('fails start-up for a @WebSocket without a @Socket() parameter', async () => {
    @Route('/bad')
    class Bad {
      @WebSocket('/x/') x() {}
    }
    try {
      await makeFullApp({ controllers: [Bad] });
      expect.fail('started');
    } catch (error) {
      expect((error as Error).message).to.match(/@WebSocket on Bad.x has no @Socket\(\) parameter/);
    }
  });

  it('fails start-up for an unknown channelsBackend, naming the choices', async () => {
    const error = await makeFullApp({ settings: { channelsBackend: 'kafka' as never } }).catch((e: unknown) => e);
    expect(error).to.have.property('code', 'CHANNELS_BACKEND_UNKNOWN');
    expect((error as Error).message).to.include("use one of 'memory', 'redis'");
  });

  it('tells open connections the server is going away (1001) when it stops', async () => {
    const other = await liveApp();
    const handle = await other.listen({ port: 0, handleSignals: false });
    const socket = await connect(`${handle.url.replace('http', 'ws')}/ws/echo/bye/`);
    await socket.next();
    await other.close();
    expect(await socket.closed).to.deep.equal({ code: 1001, reason: 'server shutting down' });
  });
});

describe("WebSocket broadcasts across instances (channelsBackend 'redis')", () => {
  before(async function () {
    await requireService(this, 'Redis', REDIS_URL);
  });

  it('reaches a client connected to another instance of the app', async () => {
    const prefix = `rondo-ws-${process.pid}-${Date.now()}`;
    const settings = { channelsBackend: 'redis', redisUrl: REDIS_URL, cacheKeyPrefix: prefix };
    const [one, two] = await Promise.all([liveApp(settings), liveApp(settings)]);
    try {
      const [first, second] = await Promise.all([
        one.listen({ port: 0, handleSignals: false }),
        two.listen({ port: 0, handleSignals: false }),
      ]);
      const here = await connect(`${first.url.replace('http', 'ws')}/ws/room/shared/`);
      const there = await connect(`${second.url.replace('http', 'ws')}/ws/room/shared/`);
      await Promise.all([here.next(), there.next()]);
      await new Promise((resolve) => setTimeout(resolve, 100)); // the subscriptions are made at the first join
      here.client.send(JSON.stringify({ across: true }));
      expect(await there.next()).to.deep.equal({ across: true });
      here.client.close();
      there.client.close();
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});
