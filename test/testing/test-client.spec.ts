import { expect } from 'chai';
import {
  Get,
  HttpRequest,
  HttpResponse,
  HttpResponseRedirect,
  Injectable,
  Middleware,
  Post,
  Route,
  type Next,
} from 'rondo';
import { TestClient } from 'rondo/testing';
import { makeApp } from '../fixtures/apps';

@Route('/t')
class ClientController {
  @Get('/set') set() {
    return new HttpResponse('set').setCookie('flavour', 'ginger');
  }
  @Get('/read') read(request: HttpRequest) {
    return { flavour: request.COOKIES.flavour ?? null };
  }
  @Get('/clear') clear() {
    return new HttpResponse('cleared').deleteCookie('flavour');
  }
  @Post('/login') login() {
    return new HttpResponseRedirect('/t/home?welcome=1');
  }
  @Get('/home') home(request: HttpRequest) {
    return `home ${request.GET.get('welcome')} ${request.method}`;
  }
  @Get('/echo') echo(request: HttpRequest) {
    return { query: request.GET.toObject(), host: request.getHost(), secure: request.isSecure() };
  }
}

@Injectable()
class Weather {
  today() {
    return 'rain';
  }
}

@Route('/w')
class WeatherController {
  constructor(private readonly weather: Weather) {}
  @Get('/') show() {
    return { today: this.weather.today() };
  }
}

@Middleware(100)
class Gate {
  handle(request: HttpRequest, next: Next) {
    return request.headers.has('x-key') ? next(request) : new HttpResponse('locked', { status: 401 });
  }
}

describe('TestClient', () => {
  it('overrides a service for one client without touching other apps', async () => {
    const client = new TestClient(await makeApp({ controllers: [WeatherController] }));
    client.override(Weather, { today: () => 'sun' });
    expect((await client.get('/w/')).json()).to.deep.equal({ today: 'sun' });
    const other = new TestClient(await makeApp({ controllers: [WeatherController] }));
    expect((await other.get('/w/')).json()).to.deep.equal({ today: 'rain' });
  });

  it('overrides a middleware with a stand-in', async () => {
    const client = new TestClient(await makeApp({ controllers: [WeatherController], middleware: [Gate] }));
    expect((await client.get('/w/')).status).to.equal(401);
    client.override(Gate, { handle: (request: HttpRequest, next: Next) => next(request) });
    expect((await client.get('/w/')).status).to.equal(200);
  });

  it('keeps cookies in a jar and sends them back until they are deleted', async () => {
    const client = new TestClient(await makeApp({ controllers: [ClientController] }));
    await client.get('/t/set');
    expect(client.cookies.get('flavour')).to.equal('ginger');
    expect((await client.get('/t/read')).json()).to.deep.equal({ flavour: 'ginger' });
    await client.get('/t/clear');
    expect((await client.get('/t/read')).json()).to.deep.equal({ flavour: null });
  });

  it('follows redirects with GET and records the chain', async () => {
    const client = new TestClient(await makeApp({ controllers: [ClientController] }));
    const response = await client.post('/t/login', { data: { user: 'ann' }, followRedirects: true });
    expect(response.text).to.equal('home 1 GET');
    expect(response.redirectChain).to.deep.equal([{ url: '/t/login', status: 302 }]);
  });

  it('does not follow redirects unless asked', async () => {
    const client = new TestClient(await makeApp({ controllers: [ClientController] }));
    const response = await client.post('/t/login');
    expect(response.status).to.equal(302);
    expect(response.headers.get('location')).to.equal('/t/home?welcome=1');
  });

  it('sends query parameters, the default host and a secure flag', async () => {
    const client = new TestClient(await makeApp({ controllers: [ClientController] }));
    const response = await client.get('/t/echo', { query: { a: '1', b: ['2', '3'] }, secure: true });
    expect(response.json()).to.deep.equal({ query: { a: '1', b: ['2', '3'] }, host: 'testserver', secure: true });
  });

  it('explains a body that is not JSON when json() is called', async () => {
    const client = new TestClient(await makeApp({ controllers: [ClientController] }));
    const response = await client.get('/t/set');
    expect(() => response.json()).to.throw(/not JSON \(status 200/);
  });
});
