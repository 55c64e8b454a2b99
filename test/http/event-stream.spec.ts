import { expect } from 'chai';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import {
  createApp,
  EventStreamResponse,
  Get,
  HttpRequest,
  Req,
  Route,
  silentLogger,
  type App,
  type EventStream,
} from 'rondo';
import { TestClient } from 'rondo/testing';

/** Streams the app's views open: what each open stream saw, for the tests to read. */
const open: EventStream[] = [];

@Route('/events', { name: 'events' })
class EventsController {
  @Get('/three')
  three(@Req() request: HttpRequest) {
    return new EventStreamResponse(request, (stream) => {
      stream.send('hello');
      stream.send({ event: 'comment', id: '7', data: { text: 'two\nlines' } });
      stream.send({ data: 'evil\r\nid: x', event: 'a\nb', retry: 1500 });
      stream.close();
    });
  }

  /** Counts from after the Last-Event-ID, one event per 100 ms, until the client leaves. */
  @Get('/ticks')
  ticks(@Req() request: HttpRequest) {
    return new EventStreamResponse(
      request,
      (stream) => {
        open.push(stream);
        let n = Number(stream.lastEventId ?? 0);
        const timer = setInterval(() => stream.send({ id: String(++n), data: n }), 100);
        stream.signal.addEventListener('abort', () => clearInterval(timer));
      },
      { heartbeat: 50 },
    );
  }

  @Get('/broken')
  broken(@Req() request: HttpRequest) {
    return new EventStreamResponse(request, () => {
      throw new Error('the feed is down');
    });
  }
}

/** Reads a live stream until `until` matches what came, then leaves (destroys the socket). */
function readUntil(
  url: string,
  headers: Record<string, string>,
  until: RegExp,
): Promise<{ res: IncomingMessage; text: string }> {
  return new Promise((done, fail) => {
    const req = httpRequest(url, { headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        if (until.test(text)) {
          req.destroy();
          done({ res, text });
        }
      });
      res.on('end', () => done({ res, text }));
    });
    req.on('error', (error) => (req.destroyed ? undefined : fail(error)));
    req.end();
  });
}

describe('EventStreamResponse (server-sent events)', function () {
  this.timeout(20_000);
  let app: App;
  let base: string;
  before(async () => {
    // a short socket timeout: a stream that said nothing for 300 ms would be cut
    app = await createApp({
      controllers: [EventsController],
      logger: silentLogger,
      settings: { debug: true, responseTimeout: 300 },
    });
    base = (await app.listen({ host: '127.0.0.1', port: 0 })).url.replace(/\/$/, '');
  });
  after(() => app.close());

  it('writes events in the text/event-stream format, one field per line, no field breaking out', async () => {
    const response = await new TestClient(app).get('/events/three');
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.equal('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).to.equal('no-cache');
    expect(response.headers.get('x-accel-buffering')).to.equal('no');
    expect(response.text).to.equal(
      'data: hello\n\n' +
        'event: comment\nid: 7\ndata: {"text":"two\\nlines"}\n\n' +
        'event: a b\nretry: 1500\ndata: evil\ndata: id: x\n\n',
    );
  });

  it('stays open past responseTimeout on heartbeats, and resumes after Last-Event-ID', async () => {
    const started = Date.now();
    const { res, text } = await readUntil(`${base}/events/ticks`, { 'last-event-id': '40' }, /id: 46\n/);
    expect(res.statusCode).to.equal(200);
    expect(Date.now() - started, 'open longer than the 300 ms timeout').to.be.greaterThan(550);
    expect(text).to.include(': heartbeat\n\n');
    expect(text).to.match(/^(: heartbeat\n\n)*id: 41\ndata: 41\n\n/);
  });

  it('aborts the producer when the client leaves, so it unsubscribes', async () => {
    const before = open.length;
    await readUntil(`${base}/events/ticks`, {}, /id: 2\n/);
    const stream = open[before];
    for (let i = 0; i < 20 && !stream.closed; i++) await new Promise((r) => setTimeout(r, 25));
    expect(stream.closed).to.equal(true);
    expect(stream.signal.aborted).to.equal(true);
    expect(stream.send('too late')).to.equal(false);
  });

  it('cuts the stream when the producer throws (the client reconnects), and keeps serving', async () => {
    const cut = await fetch(`${base}/events/broken`)
      .then((response) => response.text())
      .then(
        () => 'ended',
        () => 'cut',
      );
    expect(['ended', 'cut']).to.include(cut);
    expect((await fetch(`${base}/events/three`)).status, 'the server still answers').to.equal(200);
  });
});
