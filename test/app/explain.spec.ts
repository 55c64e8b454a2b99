import { expect } from 'chai';
import { Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Atomic, Get, Inject, Injectable, Middleware, Post, RateLimit, REQUEST, Route, type HttpRequest } from 'rondo';
import { makeApp } from '../fixtures/apps';

@Injectable({ scope: 'request' })
class Audit {
  constructor(@Inject(REQUEST) readonly request: HttpRequest) {}
}

@Injectable()
class Clock {}

@Route('/reports', { name: 'reports' })
class ReportController {
  constructor(
    readonly audit: Audit,
    readonly clock: Clock,
  ) {}
  @Get('/<slug:slug>', { name: 'detail' }) detail() {
    return {};
  }
}

@Middleware(900)
export class Stamp {
  processView() {
    return undefined;
  }
  processResponse(_request: HttpRequest, response: never) {
    return response;
  }
}

describe('app.explain(method, path)', () => {
  it("gives the match, the middleware with their hooks and file, and the controller's effective DI scope", async () => {
    const app = await makeApp({ controllers: [ReportController], providers: [Audit, Clock], middleware: [Stamp] });
    const explained = app.explain('get', '/reports/q3?x=1');
    expect(explained).to.deep.include({
      method: 'GET',
      outcome: 'route',
      pattern: '/reports/<slug:slug>',
      params: { slug: 'q3' },
      name: 'reports:detail',
      view: 'ReportController.detail',
    });
    expect(explained.middleware).to.have.length(1);
    expect(explained.middleware[0]).to.deep.include({
      name: 'Stamp',
      order: 900,
      hooks: ['processResponse', 'processView'],
    });
    expect(explained.middleware[0].file).to.match(/test[\\/]app[\\/]explain\.spec\.js$/);
    expect(explained.processView).to.deep.equal(['Stamp']);
    expect(explained.controllerScope).to.equal('request'); // it depends on a request-scoped service
    expect(explained.dependencies).to.deep.equal([
      { token: 'Audit', scope: 'request' },
      { token: 'Clock', scope: 'singleton' },
    ]);
    expect(app.explain('DELETE', '/reports/q3')).to.deep.include({ outcome: 'method-not-allowed' });
    expect(app.explain('GET', '/reports/')).to.deep.include({ outcome: 'not-found' });
    await app.close();
  });
});

@Entity({ name: 'explain_note' })
class Note {
  @PrimaryGeneratedColumn() id!: number;
}

@Route('/notes')
class NoteController {
  @Post('/') @Atomic() @RateLimit({ points: 5, duration: 60 }) create() {
    return {};
  }
  @Get('/') list() {
    return [];
  }
}

describe('the view wrappers, listed', () => {
  it('lists what wraps a view (rate limit outside its transaction) and what wraps the whole request, and nothing for a plain view', async () => {
    const app = await makeApp({
      controllers: [NoteController],
      entities: [Note],
      settings: { database: 'sqlite::memory:', debug: true },
    });
    try {
      const wrapped = app.explain('POST', '/notes/');
      expect(wrapped.viewWrappers).to.deep.equal(['rate limit (5 per 60 s)', 'atomic (one transaction)']);
      expect(wrapped.requestWrappers).to.deep.equal(['debug SQL capture (debug on)']);
      expect(app.explain('GET', '/notes/').viewWrappers).to.deep.equal([]);
    } finally {
      await app.close();
    }
  });
});
