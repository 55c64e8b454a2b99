/** Fastify 5 (JSON schema validation for the DTO scenario: it has no class-validator). */
import Fastify from 'fastify';
import ejs from 'ejs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { announce, ROUTES, ROWS, VIEWS } from './common';

const app = Fastify({ logger: false });
const page = ejs.compile(readFileSync(join(VIEWS, 'page.ejs'), 'utf8'), { filename: join(VIEWS, 'page.ejs'), cache: true });
let scopedCounter = 0;

app.get('/json', async () => ({ hello: 'world' }));
app.get('/json-session', async () => ({ hello: 'world' }));
app.get<{ Params: { id: string } }>('/users/:id', { schema: { params: { type: 'object', properties: { id: { type: 'integer' } } } } }, async (req) => ({ id: req.params.id }));
app.post('/echo', async (req) => req.body);
app.post('/dto', {
  schema: {
    body: {
      type: 'object', required: ['name', 'email', 'age'],
      properties: { name: { type: 'string', minLength: 1, maxLength: 50 }, email: { type: 'string', format: 'email' }, age: { type: 'integer', minimum: 0, maximum: 150 } },
    },
  },
}, async (req) => ({ ok: true, name: (req.body as { name: string }).name }));
for (let i = 0; i < ROUTES; i++) app.get(`/r${i}`, async () => ({ route: i }));
app.get('/scoped', async () => ({ id: ++scopedCounter }));
app.get('/singleton', async () => ({ id: 1 }));
app.get('/page', async (_req, reply) => reply.type('text/html; charset=utf-8').send(page({ title: 'Users', rows: ROWS })));

app.listen({ port: 0, host: '127.0.0.1' }).then(() => announce(app.server.address()));
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
