/** Raw node:http doing the same work as the framework servers: the baseline (ratio 1.0). */
import http from 'node:http';
import ejs from 'ejs';
import { join } from 'node:path';
import { announce, ROUTES, ROWS, validUser, VIEWS } from './common';

const USER = /^\/users\/(\d+)$/;
const DUMMY = /^\/r(\d+)$/;
const page = ejs.compile(require('node:fs').readFileSync(join(VIEWS, 'page.ejs'), 'utf8'), { filename: join(VIEWS, 'page.ejs'), cache: true });
let scopedCounter = 0;
const singleton = { id: 1 };

function json(res: http.ServerResponse, status: number, data: unknown): void {
  const body = JSON.stringify(data);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function readJson(req: http.IncomingMessage, done: (value: unknown) => void, fail: () => void): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    try {
      done(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    } catch {
      fail();
    }
  });
}

const server = http.createServer((req, res) => {
  const url = req.url ?? '/';
  if (req.method === 'GET') {
    if (url === '/json' || url === '/json-session') return json(res, 200, { hello: 'world' });
    const user = USER.exec(url);
    if (user) return json(res, 200, { id: Number(user[1]) });
    const dummy = DUMMY.exec(url);
    if (dummy && Number(dummy[1]) < ROUTES) return json(res, 200, { route: Number(dummy[1]) });
    if (url === '/scoped') return json(res, 200, { id: ++scopedCounter });
    if (url === '/singleton') return json(res, 200, { id: singleton.id });
    if (url === '/page') {
      const body = page({ title: 'Users', rows: ROWS });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      return res.end(body);
    }
  }
  if (req.method === 'POST' && url === '/echo') return readJson(req, (v) => json(res, 200, v), () => json(res, 400, { error: 'bad json' }));
  if (req.method === 'POST' && url === '/dto') {
    return readJson(req, (v) => (validUser(v) ? json(res, 200, { ok: true, name: v.name }) : json(res, 400, { error: 'invalid' })), () => json(res, 400, { error: 'bad json' }));
  }
  res.writeHead(404, { 'content-length': 0 });
  res.end();
});

server.listen(0, '127.0.0.1', () => announce(server.address()));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
