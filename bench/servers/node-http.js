'use strict';
// Raw node:http doing the same work as the framework servers: the baseline (ratio 1.0).
const http = require('node:http');

const USER = /^\/users\/(\d+)$/;

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/json') {
    const body = JSON.stringify({ hello: 'world' });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  const match = req.method === 'GET' ? USER.exec(req.url) : null;
  if (match && Number.isSafeInteger(Number(match[1]))) {
    const body = JSON.stringify({ id: Number(match[1]) });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  res.writeHead(404, { 'content-length': 0 });
  res.end();
});

server.listen(0, '127.0.0.1', () => process.stdout.write(`LISTENING ${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
