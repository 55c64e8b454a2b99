import { expect } from 'chai';
import {
  Get,
  HttpRequest,
  ImproperlyConfigured,
  Inject,
  Injectable,
  REQUEST,
  Route,
  SETTINGS,
  type Settings,
} from 'rondo';
import { makeApp, makeClient } from '../fixtures/apps';

let built = 0;

@Injectable()
class Counter {
  readonly id = ++built;
}

@Injectable({ scope: 'request' })
class RequestInfo {
  readonly id = ++built;
  constructor(
    @Inject(REQUEST) readonly request: HttpRequest,
    readonly counter: Counter,
  ) {}
  path(): string {
    return this.request.path;
  }
}

@Injectable({ scope: 'request' })
class Audit {
  constructor(readonly info: RequestInfo) {}
}

@Injectable({ scope: 'transient' })
class Fresh {
  readonly id = ++built;
}

@Route('/di')
class DiController {
  constructor(
    private readonly info: RequestInfo,
    private readonly audit: Audit,
    private readonly counter: Counter,
  ) {}

  @Get('/')
  show() {
    return {
      path: this.info.path(),
      sameInfo: this.audit.info === this.info,
      infoId: this.info.id,
      counterId: this.counter.id,
    };
  }
}

@Route('/singleton')
class SingletonController {
  constructor(
    private readonly counter: Counter,
    private readonly a: Fresh,
    private readonly b: Fresh,
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject('GREETING') private readonly greeting: string,
  ) {}

  @Get('/')
  show() {
    return {
      counterId: this.counter.id,
      freshDiffer: this.a.id !== this.b.id,
      debug: this.settings.debug,
      greeting: this.greeting,
    };
  }
}

describe('dependency injection', () => {
  it('gives request-scoped services one instance per request with the current request', async () => {
    const client = await makeClient({ controllers: [DiController] });
    const first = (await client.get('/di/')).json();
    const second = (await client.get('/di/')).json();
    expect(first.path).to.equal('/di/');
    expect(first.sameInfo).to.equal(true);
    expect(second.infoId).to.not.equal(first.infoId);
    expect(second.counterId).to.equal(first.counterId);
  });

  it('builds singletons once, transients per injection, and injects tokens and settings', async () => {
    const client = await makeClient({
      controllers: [SingletonController],
      providers: [{ provide: 'GREETING', useValue: 'hi' }],
    });
    const first = (await client.get('/singleton/')).json();
    const second = (await client.get('/singleton/')).json();
    expect(first.counterId).to.equal(second.counterId);
    expect(first.freshDiffer).to.equal(true);
    expect(first.debug).to.equal(false);
    expect(first.greeting).to.equal('hi');
  });

  it('supports useClass and useFactory providers', async () => {
    abstract class Mailer {
      abstract send(): string;
    }
    @Injectable()
    class FakeMailer extends Mailer {
      send() {
        return 'fake';
      }
    }
    @Route('/m')
    class M {
      constructor(
        private readonly mailer: Mailer,
        @Inject('URL') private readonly url: string,
      ) {}
      @Get('/') a() {
        return { sent: this.mailer.send(), url: this.url };
      }
    }
    const client = await makeClient({
      controllers: [M],
      providers: [
        { provide: Mailer, useClass: FakeMailer },
        { provide: 'URL', useFactory: (s: Settings) => `${s.staticUrl}x`, inject: [SETTINGS] },
      ],
    });
    expect((await client.get('/m/')).json()).to.deep.equal({ sent: 'fake', url: '/static/x' });
  });

  it('lets tests override a binding', async () => {
    const app = await makeApp({
      controllers: [SingletonController],
      providers: [{ provide: 'GREETING', useValue: 'hi' }],
    });
    app.override('GREETING', 'overridden');
    const response = await app.handle(
      app.createRequest({ method: 'GET', url: '/singleton/', headers: { host: '127.0.0.1' } }),
    );
    expect(JSON.parse(response.text).greeting).to.equal('overridden');
  });

  describe('start-up checks', () => {
    it('rejects a missing binding, naming the class and the parameter', async () => {
      @Route('/x')
      class NeedsToken {
        constructor(@Inject('MISSING') readonly value: string) {}
        @Get('/') a() {
          return 1;
        }
      }
      const error = await makeApp({ controllers: [NeedsToken] }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ImproperlyConfigured).with.property('code', 'DI_MISSING_BINDING');
      expect((error as Error).message)
        .to.include('NeedsToken')
        .and.include('MISSING');
    });

    it('rejects a parameter whose type cannot be injected (an interface)', async () => {
      interface Repo {
        all(): unknown[];
      }
      @Route('/x')
      class NeedsInterface {
        constructor(readonly repo: Repo) {}
        @Get('/') a() {
          return 1;
        }
      }
      const error = await makeApp({ controllers: [NeedsInterface] }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ImproperlyConfigured).with.property('code', 'DI_UNRESOLVABLE_PARAM');
      expect((error as Error).message)
        .to.include('NeedsInterface')
        .and.include('@Inject');
    });

    it('rejects a circular dependency, naming the cycle', async () => {
      @Injectable()
      class Ping {
        constructor(@Inject('PONG') readonly pong: unknown) {}
      }
      @Injectable()
      class Pong {
        constructor(readonly ping: Ping) {}
      }
      @Route('/x')
      class UsesPing {
        constructor(readonly ping: Ping) {}
        @Get('/') a() {
          return 1;
        }
      }
      const error = await makeApp({
        controllers: [UsesPing],
        providers: [Ping, { provide: 'PONG', useClass: Pong }],
      }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ImproperlyConfigured).with.property('code', 'DI_CIRCULAR');
      expect((error as Error).message)
        .to.include('Ping')
        .and.include('Pong');
    });

    it('rejects a singleton that depends on a request-scoped service', async () => {
      @Injectable()
      class Wide {
        constructor(readonly info: RequestInfo) {}
      }
      @Route('/x')
      class UsesWide {
        constructor(readonly wide: Wide) {}
        @Get('/') a() {
          return 1;
        }
      }
      const error = await makeApp({ controllers: [UsesWide] }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ImproperlyConfigured).with.property('code', 'DI_SCOPE_WIDENING');
      expect((error as Error).message)
        .to.include('Wide')
        .and.include('RequestInfo');
    });
  });
});
