/**
 * WebSocket echo servers for `node bench/realtime.js --only ws`: Rondo's
 * `@WebSocket` route as the docs teach it (JSON in, JSON out, through the default
 * middleware stack for the upgrade) vs `ws` alone doing the same JSON echo on a bare
 * node:http server. SERVER=rondo | ws.
 */
import 'reflect-metadata';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type * as RondoApi from '../../dist/src/index';
import type * as RealtimeApi from '../../dist/src/realtime/index';
import { announce } from './common';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const rondo = require('../../../dist/src/index.js') as typeof RondoApi;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const realtime = require('../../../dist/src/realtime/index.js') as typeof RealtimeApi;
const { Route, createApp, silentLogger } = rondo;
const { Socket, WebSocket } = realtime;
type Connection = RealtimeApi.WebSocketConnection;

@Route('')
class EchoController {
  @WebSocket('/echo', { heartbeat: 0 })
  echo(@Socket() socket: Connection) {
    socket.onMessage((message) => socket.send(message));
  }
}

async function main(): Promise<void> {
  if (process.env.SERVER === 'ws') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { WebSocketServer } = require('../../../node_modules/ws') as typeof import('ws');
    const server = createServer((_req, res) => res.writeHead(426).end());
    const wss = new WebSocketServer({ server, path: '/echo', perMessageDeflate: false, maxPayload: 64 * 1024 });
    wss.on('connection', (socket) =>
      socket.on('message', (data) => {
        // The same work as Rondo's JSON route: parse, then serialise back.
        socket.send(JSON.stringify(JSON.parse(String(data))));
      }),
    );
    server.listen(0, '127.0.0.1', () => announce(server.address() as AddressInfo));
    return;
  }
  const app = await createApp({
    controllers: [EchoController],
    logger: silentLogger,
    settings: { secretKey: 'bench-secret-key-0123456789-abcdefghijklmnop', allowedHosts: ['127.0.0.1'] },
  });
  const handle = await app.listen({ host: '127.0.0.1', port: 0, handleSignals: false });
  announce(String(handle.port));
}

void main();
