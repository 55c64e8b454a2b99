/** routing-controllers 0.11 on Express, with its class-validator integration for DTOs. */
import 'reflect-metadata';
import { Body, Get, JsonController, Param, Post, createExpressServer } from 'routing-controllers';
import { announce, ROUTES } from './common';
import { CreateUserDto } from './dto';

let scopedCounter = 0;

@JsonController()
class MainController {
  @Get('/json') json() { return { hello: 'world' }; }
  @Get('/json-session') jsonSession() { return { hello: 'world' }; }
  @Get('/users/:id') user(@Param('id') id: number) { return { id }; }
  @Post('/echo') echo(@Body() body: unknown) { return body; }
  @Post('/dto') dto(@Body({ validate: true }) body: CreateUserDto) { return { ok: true, name: body.name }; }
  @Get('/scoped') scoped() { return { id: ++scopedCounter }; }
  @Get('/singleton') singleton() { return { id: 1 }; }
}

const dummies: Function[] = [];
for (let i = 0; i < ROUTES; i++) {
  class Dummy { handle() { return { route: i }; } }
  Reflect.decorate([Get(`/r${i}`) as MethodDecorator], Dummy.prototype, 'handle', Object.getOwnPropertyDescriptor(Dummy.prototype, 'handle'));
  dummies.push(Reflect.decorate([JsonController() as ClassDecorator], Dummy) as Function);
}

const app = createExpressServer({ controllers: [MainController, ...dummies], validation: true, classTransformer: true, defaultErrorHandler: true });
const server = app.listen(0, '127.0.0.1', () => announce(server.address()));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
