/** NestJS 11 on Fastify with the same plugins as stack-fastify (helmet, secure-session, csrf-protection). */
import 'reflect-metadata';
import { Body, Controller, Get, HttpCode, Module, Post, Req, Res } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet from '@fastify/helmet';
import secureSession from '@fastify/secure-session';
import csrf from '@fastify/csrf-protection';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { announce } from './common';
import { HELMET_OPTIONS, SECRET, USERS, formPage, mePage } from './stack-common';

@Controller()
class StackController {
  @Get('form')
  form(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const n = (req.session.get('n') as number | undefined) ?? 0;
    void reply.type('text/html; charset=utf-8').send(formPage(reply.generateCsrf(), n));
  }

  @Post('form')
  @HttpCode(200)
  save(@Req() req: FastifyRequest, @Body() body: { title?: string }) {
    const n = ((req.session.get('n') as number | undefined) ?? 0) + 1;
    req.session.set('n', n);
    return { n, title: body.title };
  }

  @Get('me')
  me(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const user = USERS.get(req.session.get('userId') as string);
    if (user === undefined) return void reply.redirect('/login');
    void reply.type('text/html; charset=utf-8').send(mePage(user));
  }

  @Get('seed')
  seed(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    req.session.set('userId', '1');
    req.session.set('n', 0);
    return { token: reply.generateCsrf() };
  }
}

@Module({ controllers: [StackController] })
class AppModule {}

async function main() {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { logger: false });
  await app.register(helmet as never, HELMET_OPTIONS as never);
  await app.register(secureSession as never, { key: createHash('sha256').update(SECRET).digest(), cookie: { path: '/', httpOnly: true, sameSite: 'lax' } } as never);
  await app.register(csrf as never, { sessionPlugin: '@fastify/secure-session' } as never);
  const fastify = app.getHttpAdapter().getInstance();
  // The CSRF check on the POST, as Fastify's own route option does it.
  fastify.addHook('onRequest', (req, reply, done) => {
    if (req.method === 'POST') return (fastify as unknown as { csrfProtection: (a: unknown, b: unknown, c: () => void) => void }).csrfProtection(req, reply, done);
    done();
  });
  await app.listen(0, '127.0.0.1');
  announce(app.getHttpServer().address());
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}
void main();
