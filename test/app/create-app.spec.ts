import { expect } from 'chai';
import { join } from 'node:path';
import { DEFAULT_SETTINGS, ImproperlyConfigured, createApp } from 'rondo';
import { TestClient } from 'rondo/testing';
import { capturingLogger, makeApp } from '../fixtures/apps';

const FIXTURES = join(__dirname, '../fixtures/discovery');

describe('createApp', () => {
  describe('discovery', () => {
    it('imports the modules under the given folders and wires controllers, services and middleware', async () => {
      const app = await makeApp({ discover: ['controllers', 'services'], baseDir: FIXTURES });
      const response = await new TestClient(app).get('/time/');
      expect(response.json()).to.deep.equal({ now: 'fixed-time' });
      expect(response.headers.get('x-stamp')).to.equal('discovered');
      const [route, ...others] = app.routes();
      expect(others).to.deep.equal([]);
      expect(route).to.deep.include({
        path: '/time/',
        methods: ['GET'],
        name: 'time:now',
        view: 'TimeController.now',
        methodName: 'now',
      });
      expect(route.controller.name).to.equal('TimeController');
    });

    it('accepts files and globs', async () => {
      const app = await makeApp({ discover: ['controllers/*.js', 'services/clock.js'], baseDir: FIXTURES });
      expect(app.routes().map((r) => r.path)).to.deep.equal(['/time/']);
    });

    it('rejects a folder that does not exist, naming it', async () => {
      const error = await makeApp({ discover: ['nowhere'], baseDir: FIXTURES }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ImproperlyConfigured).with.property('code', 'DISCOVERY_NOT_FOUND');
      expect((error as Error).message).to.include('nowhere');
    });
  });

  describe('settings', () => {
    it('documents its defaults', () => {
      expect(DEFAULT_SETTINGS).to.include({
        debug: false,
        dataUploadMaxMemorySize: 2.5 * 1024 * 1024,
        dataUploadMaxNumberFields: 1000,
        staticUrl: '/static/',
      });
    });

    it('reads RONDO_* variables from the environment over code', async () => {
      const app = await makeApp({
        env: {
          RONDO_DEBUG: 'true',
          RONDO_ALLOWED_HOSTS: 'a.com, b.com',
          RONDO_DATA_UPLOAD_MAX_NUMBER_FIELDS: '5',
          REDIS_URL: 'redis://r:1',
        },
        settings: { debug: false },
      });
      expect(app.settings).to.include({ debug: true, dataUploadMaxNumberFields: 5, redisUrl: 'redis://r:1' });
      expect(app.settings.allowedHosts).to.deep.equal(['a.com', 'b.com']);
    });

    it('rejects an unknown setting with a suggestion', async () => {
      const error = await makeApp({ settings: { DEBUG: true } as never }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ImproperlyConfigured).with.property('code', 'SETTINGS_UNKNOWN');
      expect((error as Error).message).to.include("Did you mean 'debug'");
    });

    it('rejects a value of the wrong type', async () => {
      const error = await makeApp({ settings: { dataUploadMaxMemorySize: '10' as never } }).catch((e: unknown) => e);
      expect(error).to.have.property('code', 'SETTINGS_TYPE');
      expect((error as Error).message).to.include('dataUploadMaxMemorySize');
    });

    it('rejects an environment value that does not parse', async () => {
      const error = await makeApp({ env: { RONDO_DEBUG: 'maybe' } }).catch((e: unknown) => e);
      expect(error).to.have.property('code', 'SETTINGS_ENV_INVALID');
      expect((error as Error).message).to.include('RONDO_DEBUG');
    });

    it('freezes settings', async () => {
      const app = await makeApp();
      expect(Object.isFrozen(app.settings)).to.equal(true);
    });
  });
});

describe('createApp without a secret key', () => {
  it('uses a random key for this process when debug is on, and warns that sessions end at restart', async () => {
    const logger = capturingLogger();
    const app = await createApp({ settings: { debug: true }, logger, env: {} });
    expect(app.settings.secretKey).to.have.length.greaterThan(50);
    expect(logger.lines.some((l) => l.level === 'warn' && l.message.includes('RONDO_SECRET_KEY'))).to.equal(true);
    const other = await createApp({ settings: { debug: true }, logger: capturingLogger(), env: {} });
    expect(other.settings.secretKey).to.not.equal(app.settings.secretKey);
    await Promise.all([app.close(), other.close()]);
  });

  it('still fails at start-up with SECRET_KEY_MISSING when debug is off', async () => {
    const error = await createApp({ logger: capturingLogger(), env: {} }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).to.equal('SECRET_KEY_MISSING');
  });
});
