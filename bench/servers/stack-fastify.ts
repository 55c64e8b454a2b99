/** Fastify 5 + @fastify/helmet + @fastify/secure-session + @fastify/csrf-protection, at their defaults. */
import Fastify from 'fastify';
import helmet from '@fastify/helmet';
import secureSession from '@fastify/secure-session';
import csrf from '@fastify/csrf-protection';
import { createHash } from 'node:crypto';
import { announce } from './common';
import { HELMET_OPTIONS, SECRET, USERS, formPage, mePage } from './stack-common';

export async function fastifyStack() {
  const app = Fastify({ logger: false });
  await app.register(helmet, HELMET_OPTIONS);
  await app.register(secureSession, { key: createHash('sha256').update(SECRET).digest(), cookie: { path: '/', httpOnly: true, sameSite: 'lax' } });
  await app.register(csrf, { sessionPlugin: '@fastify/secure-session' });
  app.get('/form', async (req, reply) => {
    const n = (req.session.get('n') as number | undefined) ?? 0;
    const token = reply.generateCsrf();
    return reply.type('text/html; charset=utf-8').send(formPage(token, n));
  });
  app.post<{ Body: { title?: string } }>('/form', { onRequest: app.csrfProtection }, async (req) => {
    const n = ((req.session.get('n') as number | undefined) ?? 0) + 1;
    req.session.set('n', n);
    return { n, title: req.body.title };
  });
  app.get('/me', async (req, reply) => {
    const user = USERS.get(req.session.get('userId') as string);
    if (user === undefined) return reply.redirect('/login');
    return reply.type('text/html; charset=utf-8').send(mePage(user));
  });
  app.get('/seed', async (req, reply) => {
    req.session.set('userId', '1');
    req.session.set('n', 0);
    return { token: reply.generateCsrf() };
  });
  return app;
}

if (require.main === module) {
  void fastifyStack().then(async (app) => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    announce(app.server.address());
    process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
  });
}
