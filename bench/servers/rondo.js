'use strict';
// Rondo serving the same routes, with no middleware ("bare"), from the built dist/.
// Plain JavaScript: decorators are applied with Reflect.decorate, as tsc would emit them.
require('reflect-metadata');
const { createApp, Get, Route, silentLogger } = require('../../dist/src/index.js');

class BenchController {
  json() {
    return { hello: 'world' };
  }

  user(request, params) {
    return { id: params.id };
  }
}
for (const [method, decorator] of [['json', Get('/json')], ['user', Get('/users/<int:id>')]]) {
  Reflect.decorate([decorator], BenchController.prototype, method, Object.getOwnPropertyDescriptor(BenchController.prototype, method));
}
Reflect.decorate([Route('')], BenchController);

createApp({ controllers: [BenchController], settings: { middleware: [], secretKey: 'bench', allowedHosts: ['127.0.0.1'] }, logger: silentLogger, env: {} })
  .then((app) => app.listen({ port: 0, host: '127.0.0.1' }))
  .then((server) => {
    process.stdout.write(`LISTENING ${server.port}\n`);
    process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
  });
