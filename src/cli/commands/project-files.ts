/**
 * The files of a new project (`rondo new`), as text. Kept as plain strings so a reader
 * sees exactly what a user gets.
 */

export function projectFiles(name: string, rondoSpec: string): Record<string, string> {
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  return {
    'package.json': json({
      name,
      version: '0.1.0',
      private: true,
      rondo: { app: 'dist/src/app.js' },
      scripts: {
        build: 'rm -rf dist && tsc -p tsconfig.json',
        start: 'npm run build && node dist/src/main.js',
        test: 'npm run build && mocha',
        routes: 'npm run build && rondo routes',
        check: 'npm run build && rondo check',
      },
      engines: { node: '>=20.19' },
      dependencies: { rondo: rondoSpec, 'reflect-metadata': '^0.2.2' },
      devDependencies: { typescript: '^7.0.2', mocha: '^12.0.3', chai: '^6.2.0', '@types/node': '^20.19.0', '@types/mocha': '^10.0.10', '@types/chai': '^5.2.0' },
    }),
    'tsconfig.json': json({
      compilerOptions: {
        target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true,
        experimentalDecorators: true, emitDecoratorMetadata: true, sourceMap: true,
        rootDir: '.', outDir: 'dist', types: ['node', 'mocha'], skipLibCheck: true,
      },
      include: ['src', 'test'],
    }),
    '.mocharc.json': json({ spec: 'dist/test/**/*.spec.js', timeout: 10000, exit: true }),
    '.gitignore': 'node_modules/\ndist/\n',
    'src/app.ts': `/**
 * The app: discovers controllers and services in the compiled folders next to this file.
 */
import { createApp, type App, type CreateAppOptions } from 'rondo';

export default function buildApp(options: Omit<CreateAppOptions, 'discover' | 'baseDir'> = {}): Promise<App> {
  return createApp({
    ...options,
    settings: {
      // Set RONDO_SECRET_KEY in production; this key is for development only.
      secretKey: process.env.RONDO_SECRET_KEY ?? '${name}-development-key-change-me',
      allowedHosts: ['127.0.0.1', 'localhost'],
      ...options.settings,
    },
    baseDir: __dirname,
    discover: ['controllers', 'services'],
  });
}
`,
    'src/main.ts': `import buildApp from './app';

buildApp()
  .then((app) => app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 8000) }))
  .then((server) => console.log(\`Listening on \${server.url}\`))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
`,
    'src/services/greeting-service.ts': `import { Injectable } from 'rondo';

@Injectable()
export class GreetingService {
  greet(name: string): string {
    return \`Hello, \${name}!\`;
  }
}
`,
    'src/controllers/home.controller.ts': `import { Get, Query, Route } from 'rondo';
import { GreetingService } from '../services/greeting-service';

@Route('', { name: 'home' })
export class HomeController {
  constructor(private readonly greetings: GreetingService) {}

  @Get('/', { name: 'index' })
  index(@Query('name') name?: string) {
    return { message: this.greetings.greet(name ?? 'world') };
  }
}
`,
    'test/controllers/home.controller.spec.ts': `import { expect } from 'chai';
import { silentLogger } from 'rondo';
import { TestClient } from 'rondo/testing';
import buildApp from '../../src/app';

describe('GET /', () => {
  it('greets the name given in the query', async () => {
    const client = new TestClient(await buildApp({ logger: silentLogger }));
    const response = await client.get('/', { query: { name: 'Ada' } });
    expect(response.status).to.equal(200);
    expect(response.json()).to.deep.equal({ message: 'Hello, Ada!' });
  });
});
`,
    'README.md': `# ${name}

A [Rondo](https://github.com/) app.

    npm install
    npm start          # http://127.0.0.1:8000
    npm test
    npx rondo routes   # the URL table (after a build)
`,
  };
}
