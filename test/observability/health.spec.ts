import { expect } from 'chai';
import { AppStatus, Get, HealthMiddleware, MetricsMiddleware, Route, type App } from 'rondo';
import { TestClient } from 'rondo/testing';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { makeFullApp } from '../fixtures/apps';
import { REDIS_URL, requireService } from '../fixtures/services';

@Entity({ name: 'health_spec_row' })
class HealthRow {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 10 }) name!: string;
}

@Route('/work')
class Work {
  @Get('/<int:id>') one() {
    return { ok: true };
  }
  @Get('/slow') async slow() {
    await new Promise((done) => setTimeout(done, 20));
    return { ok: true };
  }
}

describe('HealthMiddleware: /healthz and /readyz', () => {
  it('answers liveness and readiness before the other middleware (any Host), uncached, as JSON', async () => {
    const app = await makeFullApp({
      controllers: [Work],
      middleware: [HealthMiddleware],
      settings: { allowedHosts: ['example.com'] },
    });
    const client = new TestClient(app);
    const live = await client.get('/healthz', { headers: { host: '10.1.2.3:8000' } }); // a probe's Host is the pod address
    expect(live.status).to.equal(200);
    expect(live.json()).to.deep.equal({ status: 'ok' });
    expect(live.headers.get('cache-control')).to.equal('no-store');
    const ready = await client.get('/readyz', { headers: { host: '10.1.2.3:8000' } });
    expect(ready.status).to.equal(200);
    expect(ready.json()).to.deep.equal({ status: 'ok', checks: {} });
    expect((await client.get('/work/1', { headers: { host: '10.1.2.3:8000' } })).status).to.equal(400); // everything else still checks the Host
    expect((await client.post('/healthz', { headers: { host: 'example.com' } })).status).to.equal(404);
    await app.close();
  });

  it('checks the database, and answers 503 once a graceful stop began (so the balancer drains first)', async () => {
    const app = await makeFullApp({
      middleware: [HealthMiddleware],
      entities: [HealthRow],
      settings: { database: 'sqlite::memory:' },
    });
    const client = new TestClient(app);
    expect((await client.get('/readyz')).json()).to.deep.equal({ status: 'ok', checks: { database: 'ok' } });
    app.container.get(AppStatus).shuttingDown = true;
    const draining = await client.get('/readyz');
    expect(draining.status).to.equal(503);
    expect(draining.json()).to.deep.equal({ status: 'shutting down' });
    expect((await client.get('/healthz')).status).to.equal(200);
    await app.close();
  });

  it('is marked shutting down by app.close() itself', async () => {
    const app = await makeFullApp({ middleware: [HealthMiddleware] });
    await app.listen({ port: 0, handleSignals: false });
    const status = app.container.get(AppStatus);
    expect(status.shuttingDown).to.equal(false);
    await app.close();
    expect(status.shuttingDown).to.equal(true);
  });

  it('says which check failed with 503 when the database is gone, and logs why', async () => {
    const app = await makeFullApp({
      middleware: [HealthMiddleware],
      entities: [HealthRow],
      settings: { database: 'sqlite::memory:' },
    });
    const { DATA_SOURCE } = await import('rondo/db');
    await app.container.get<{ destroy(): Promise<void> }>(DATA_SOURCE).destroy();
    const answer = await new TestClient(app).get('/readyz');
    expect(answer.status).to.equal(503);
    expect(answer.json()).to.deep.equal({ status: 'unavailable', checks: { database: 'unavailable' } });
    expect(answer.text).not.to.include('Error');
    await app.close();
  });

  describe('with Redis sessions', () => {
    before(async function () {
      await requireService(this, 'Redis', REDIS_URL);
    });

    it('PINGs Redis; an unreachable Redis is a 503 within the 2 s check', async () => {
      const up = await makeFullApp({
        middleware: [HealthMiddleware],
        settings: { sessionEngine: 'redis', redisUrl: REDIS_URL },
      });
      expect((await new TestClient(up).get('/readyz')).json()).to.deep.equal({ status: 'ok', checks: { redis: 'ok' } });
      await up.close();
      const down = await makeFullApp({
        middleware: [HealthMiddleware],
        settings: { sessionEngine: 'redis', redisUrl: 'redis://127.0.0.1:1' },
      });
      const started = Date.now();
      const answer = await new TestClient(down).get('/readyz');
      expect(answer.status).to.equal(503);
      expect(answer.json()).to.deep.equal({ status: 'unavailable', checks: { redis: 'unavailable' } });
      expect(Date.now() - started).to.be.below(2500);
      await down.close();
    });
  });
});

describe('MetricsMiddleware: Prometheus text at /metrics', () => {
  let app: App;
  before(async () => {
    app = await makeFullApp({ controllers: [Work], middleware: [HealthMiddleware, MetricsMiddleware] });
  });
  after(() => app.close());

  it('counts requests per method, route pattern and status, and times them', async () => {
    const client = new TestClient(app);
    await client.get('/work/1');
    await client.get('/work/2');
    await client.get('/work/slow');
    await client.get('/random/scan/path');
    const metrics = await client.get('/metrics');
    expect(metrics.status).to.equal(200);
    expect(metrics.headers.get('content-type')).to.include('text/plain').and.include('version=0.0.4');
    const text = metrics.text;
    expect(text).to.include('rondo_http_requests_total{method="GET",route="/work/<int:id>",status="200"} 2');
    expect(text).to.include('rondo_http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).to.match(/rondo_http_request_duration_seconds_count\{method="GET",route="\/work\/slow"\} 1/);
    // The view sleeps 20 ms: its time is at least that (a loaded machine may add any amount).
    const sum = /rondo_http_request_duration_seconds_sum\{method="GET",route="\/work\/slow"\} ([0-9.e-]+)/.exec(text);
    expect(sum, 'the duration sum of /work/slow').to.not.equal(null);
    expect(Number(sum![1])).to.be.at.least(0.019);
    expect(text).to.include('process_resident_memory_bytes');
    expect(text).not.to.include('route="/metrics"').and.not.include('/healthz');
  });
});
