import { expect } from 'chai';
import { connect } from 'node:net';
import { Get, Injectable, Route, StreamingHttpResponse, type App, type ServerHandle } from 'rondo';
import { PassThrough } from 'node:stream';
import { makeApp } from '../fixtures/apps';
import { openSocket, sleep, waitFor } from '../fixtures/sockets';

const state = { produced: 0, returned: false };

@Route('')
class StreamController {
  @Get('/endless') endless() {
    state.produced = 0;
    state.returned = false;
    async function* chunks() {
      try {
        for (;;) {
          state.produced++;
          yield Buffer.alloc(64 * 1024, 97);
        }
      } finally {
        state.returned = true;
      }
    }
    return new StreamingHttpResponse(chunks(), { contentType: 'application/octet-stream' });
  }
}

describe('streamed responses over a socket', () => {
  let app: App;
  let server: ServerHandle;
  beforeEach(async () => {
    app = await makeApp({ controllers: [StreamController] });
    server = await app.listen({ port: 0, handleSignals: false });
  });
  afterEach(() => app.close());

  it('respects backpressure: a client that does not read pauses the producer', async () => {
    const socket = connect(server.port, '127.0.0.1');
    socket.write('GET /endless HTTP/1.1\r\nHost: localhost\r\n\r\n');
    socket.pause();
    await new Promise((r) => setTimeout(r, 400));
    const early = state.produced;
    await new Promise((r) => setTimeout(r, 400));
    expect(state.produced).to.be.lessThan(200); // a few MB of socket buffers at most, not unbounded
    expect(state.produced - early).to.be.lessThan(5);
    socket.destroy();
  });

  it('stops the producer (calls its return) when the client disconnects, and keeps serving', async () => {
    const socket = connect(server.port, '127.0.0.1');
    socket.on('data', () => undefined);
    socket.write('GET /endless HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await new Promise((r) => setTimeout(r, 200));
    socket.destroy();
    for (let i = 0; i < 40 && !state.returned; i++) await new Promise((r) => setTimeout(r, 25));
    expect(state.returned).to.equal(true);
    const after = state.produced;
    await new Promise((r) => setTimeout(r, 200));
    expect(state.produced).to.equal(after);
  });
});

describe('lifecycle hooks', () => {
  it('runs onStartup at createApp and onShutdown at app.close, in reverse order', async () => {
    const calls: string[] = [];
    @Injectable()
    class Db {
      onStartup() {
        calls.push('db up');
      }
      async onShutdown() {
        calls.push('db down');
      }
    }
    @Injectable()
    class Cache {
      constructor(readonly db: Db) {}
      onStartup() {
        calls.push('cache up');
      }
      onShutdown() {
        calls.push('cache down');
      }
    }
    @Route('/h')
    class UsesCache {
      constructor(readonly cache: Cache) {}
      @Get('/') a() {
        return 1;
      }
    }
    const app = await makeApp({ controllers: [UsesCache], providers: [Db, Cache] });
    expect(calls).to.deep.equal(['db up', 'cache up']);
    await app.close();
    expect(calls).to.deep.equal(['db up', 'cache up', 'cache down', 'db down']);
  });

  it('fails createApp when an onStartup hook throws', async () => {
    @Injectable()
    class Broken {
      onStartup() {
        throw new Error('cannot reach the database');
      }
    }
    const error = await makeApp({ providers: [Broken] }).catch((e: Error) => e);
    expect((error as Error).message).to.include('cannot reach the database');
  });
});

describe('streamed responses when the client goes away', () => {
  const events: string[] = [];
  let source: PassThrough;

  @Route('')
  class QuietStreamController {
    /** A source that sends one chunk, then stays silent (an event feed with nothing new). */
    @Get('/quiet') quiet() {
      source = new PassThrough();
      source.once('close', () => events.push('source closed'));
      source.write('first\n');
      return new StreamingHttpResponse(source, { contentType: 'text/plain' });
    }

    /** A slow view: the client may be gone before it returns its stream. */
    @Get('/late') async late() {
      await new Promise((r) => setTimeout(r, 150));
      const iterator: AsyncIterableIterator<string> = {
        [Symbol.asyncIterator]() {
          return this;
        },
        next: async () => {
          events.push('produced');
          return { done: false, value: 'x'.repeat(1024) };
        },
        return: async () => {
          events.push('returned');
          return { done: true, value: undefined };
        },
      };
      return new StreamingHttpResponse(iterator);
    }
  }

  let app: App;
  let server: ServerHandle;
  beforeEach(async () => {
    events.length = 0;
    app = await makeApp({ controllers: [QuietStreamController] });
    server = await app.listen({ port: 0, handleSignals: false });
  });
  afterEach(() => app.close());

  it('stops a silent producer at once (return() while it is waiting), not at its next chunk', async () => {
    const socket = openSocket(server.port);
    const firstChunk = new Promise((resolve) => socket.once('data', resolve));
    socket.write('GET /quiet HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await firstChunk;
    socket.destroy();
    expect(await waitFor(() => events.includes('source closed'), 1000)).to.equal(true);
  });

  it('stops the producer when the client left before the view returned its stream', async () => {
    const socket = openSocket(server.port);
    socket.write('GET /late HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await sleep(30);
    socket.destroy();
    expect(await waitFor(() => events.includes('returned'), 1000)).to.equal(true);
    expect(events.filter((e) => e === 'produced').length).to.be.lessThan(2);
  });
});
