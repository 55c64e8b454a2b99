/**
 * NestJS 11 on Express (ADAPTER=express) or Fastify (ADAPTER=fastify), with the
 * ValidationPipe for the DTO scenario and Scope.REQUEST for the request-scope scenario.
 */
import 'reflect-metadata';
import { Body, Controller, Get, Inject, Injectable, Module, Param, ParseIntPipe, Post, Res, Scope, ValidationPipe, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import ejs from 'ejs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { announce, ROUTES, ROWS, VIEWS } from './common';
import { CreateUserDto } from './dto';

const page = ejs.compile(readFileSync(join(VIEWS, 'page.ejs'), 'utf8'), { filename: join(VIEWS, 'page.ejs'), cache: true });
let scopedCounter = 0;

@Injectable({ scope: Scope.REQUEST })
class RequestCounter { readonly id = ++scopedCounter; }

@Injectable()
class SingletonCounter { readonly id = 1; }

@Controller()
class MainController {
  constructor(@Inject(SingletonCounter) private readonly single: SingletonCounter) {}
  @Get('json') json() { return { hello: 'world' }; }
  @Get('json-session') jsonSession() { return { hello: 'world' }; }
  @Get('users/:id') user(@Param('id', ParseIntPipe) id: number) { return { id }; }
  @Post('echo') echo(@Body() body: unknown) { return body; }
  @Post('dto') dto(@Body(new ValidationPipe()) body: CreateUserDto) { return { ok: true, name: body.name }; }
  @Get('singleton') singleton() { return { id: this.single.id }; }
  @Get('page') page(@Res() res: { type?: (t: string) => { send(b: string): void }; setHeader?: (k: string, v: string) => void; send: (b: string) => void }) {
    const body = page({ title: 'Users', rows: ROWS });
    if (res.type) res.type('text/html; charset=utf-8').send(body);
    else { res.setHeader!('content-type', 'text/html; charset=utf-8'); res.send(body); }
  }
}

@Controller()
class ScopedController {
  constructor(@Inject(RequestCounter) private readonly counter: RequestCounter) {}
  @Get('scoped') scoped() { return { id: this.counter.id }; }
}

function routeControllers(): Function[] {
  const list: Function[] = [];
  for (let i = 0; i < ROUTES; i++) {
    class Dummy { handle() { return { route: i }; } }
    Reflect.decorate([Get(`r${i}`)], Dummy.prototype, 'handle', Object.getOwnPropertyDescriptor(Dummy.prototype, 'handle'));
    list.push(Reflect.decorate([Controller()], Dummy) as Function);
  }
  return list;
}

@Module({})
class AppModule {
  static register(): DynamicModule {
    return { module: AppModule, controllers: [MainController, ScopedController, ...routeControllers()] as never[], providers: [RequestCounter, SingletonCounter] };
  }
}

async function main(): Promise<void> {
  const adapter = process.env.ADAPTER === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  const app = await NestFactory.create(AppModule.register(), adapter, { logger: false });
  await app.listen(0, '127.0.0.1');
  announce(app.getHttpServer().address());
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}
void main();
