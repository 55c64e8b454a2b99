import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  Column,
  Entity,
  EventSubscriber,
  PrimaryGeneratedColumn,
  type EntitySubscriberInterface,
  type InsertEvent,
} from 'typeorm';
import {
  Get,
  Injectable,
  Receiver,
  Route,
  Signals,
  entityInserted,
  entityRemoved,
  entityUpdated,
  requestFinished,
  requestStarted,
  userLoggedIn,
  userLoggedOut,
  userLoginFailed,
  type App,
} from 'rondo';
import { Accounts, authApp } from 'rondo/auth';
import { DATABASE, type Database } from 'rondo/db';
import { TestClient } from 'rondo/testing';
import { capturingLogger, makeFullApp } from '../fixtures/apps';

@Entity({ name: 'signal_note' })
class Note {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 100 }) text!: string;
}

@Entity({ name: 'signal_other' })
class Other {
  @PrimaryGeneratedColumn() id!: number;
}

/** Where the receivers write what they saw. */
@Injectable()
class Journal {
  readonly lines: string[] = [];
}

@Injectable()
class Receivers {
  constructor(private readonly journal: Journal) {}

  @Receiver(requestStarted)
  started({ request }: typeof requestStarted.payload) {
    this.journal.lines.push(`started ${request.path}`);
  }

  @Receiver(requestFinished)
  finished({ request, response }: typeof requestFinished.payload) {
    this.journal.lines.push(`finished ${request.path} ${response.status}`);
  }

  @Receiver(userLoggedIn)
  loggedIn({ user }: typeof userLoggedIn.payload) {
    this.journal.lines.push(`logged in ${String((user as { username?: string }).username)}`);
  }

  @Receiver(userLoggedOut)
  loggedOut({ user }: typeof userLoggedOut.payload) {
    this.journal.lines.push(`logged out ${String((user as { username?: string } | undefined)?.username)}`);
  }

  @Receiver(userLoginFailed)
  failed(payload: typeof userLoginFailed.payload) {
    this.journal.lines.push(`login failed ${payload.login} ${Object.keys(payload).sort().join(',')}`);
  }

  @Receiver(entityInserted, { sender: Note })
  inserted({ entity }: typeof entityInserted.payload) {
    this.journal.lines.push(`inserted note ${(entity as Note).text}`);
  }

  @Receiver(entityUpdated)
  updated({ entity, sender }: typeof entityUpdated.payload) {
    this.journal.lines.push(`updated ${sender.name} ${(entity as Note).text}`);
  }

  @Receiver(entityRemoved)
  removed({ sender }: typeof entityRemoved.payload) {
    this.journal.lines.push(`removed ${sender.name}`);
  }

  @Receiver(userLoggedIn)
  broken() {
    throw new Error('a receiver that fails');
  }
}

/** A TypeORM subscriber that is a service of the app: built with its dependencies. */
@EventSubscriber()
@Injectable()
class NoteSubscriber implements EntitySubscriberInterface<Note> {
  constructor(private readonly journal: Journal) {}
  listenTo() {
    return Note;
  }
  afterInsert(event: InsertEvent<Note>) {
    this.journal.lines.push(`subscriber saw ${event.entity.text}`);
  }
}

@Route('/page')
class Page {
  @Get('/') show() {
    return { ok: true };
  }
}

describe('Signals', () => {
  let app: App;
  let journal: Journal;
  const logger = capturingLogger();
  before(async () => {
    app = await makeFullApp({
      apps: [authApp({ views: true })],
      controllers: [Page],
      entities: [Note, Other],
      providers: [Journal, Receivers, NoteSubscriber],
      logger,
      settings: { database: 'sqlite::memory:', authLoginRateLimit: null },
    });
    await app.container.get<Database>(DATABASE).dataSource.synchronize();
    journal = app.container.get(Journal);
  });
  after(() => app.close());
  beforeEach(() => journal.lines.splice(0));

  it('sends requestStarted and requestFinished around each request', async () => {
    expect((await new TestClient(app).get('/page/')).status).to.equal(200);
    expect(journal.lines).to.deep.equal(['started /page/', 'finished /page/ 200']);
  });

  it('adds no middleware to an app without request receivers', async () => {
    const plain = await makeFullApp({ controllers: [Page] });
    try {
      const withSignals = app.explain('GET', '/page/').middleware.map((m) => m.name);
      const without = plain.explain('GET', '/page/').middleware.map((m) => m.name);
      expect(withSignals).to.include('RequestSignalsMiddleware');
      expect(without).not.to.include('RequestSignalsMiddleware');
    } finally {
      await plain.close();
    }
  });

  it('sends userLoginFailed (the login, never the password), userLoggedIn and userLoggedOut; a failing receiver does not stop the login', async () => {
    await app.container.get(Accounts).createUser({ username: 'sig', password: 'violet sunset 42' });
    const client = new TestClient(app);
    await client.post('/accounts/login/', { data: { username: 'sig', password: 'wrong password 1' } });
    const login = await client.post('/accounts/login/', { data: { username: 'sig', password: 'violet sunset 42' } });
    expect(login.status).to.equal(302);
    await client.post('/accounts/logout/');
    // (Logging in also saves the user's lastLogin: an entityUpdated for User, left out here.)
    expect(journal.lines.filter((line) => !/^(started|finished|updated)/.test(line))).to.deep.equal([
      'login failed sig login,request',
      'logged in sig',
      'logged out sig',
    ]);
    expect(
      logger.lines.some((line) => line.message.includes('Signal user_logged_in: receiver Receivers.broken failed')),
    ).to.equal(true);
  });

  it('sends entity signals with the entity class as sender, and runs the app’s TypeORM subscribers with DI', async () => {
    const notes = app.container.get<Database>(DATABASE).repository<Note>(Note);
    const note = await notes.save(notes.create({ text: 'first' }));
    note.text = 'second';
    await notes.save(note);
    await notes.remove(note);
    const others = app.container.get<Database>(DATABASE).repository<Other>(Other);
    await others.save(others.create({}));
    expect(journal.lines).to.deep.equal([
      'inserted note first',
      'subscriber saw first',
      'updated Note second',
      'removed Note',
    ]);
  });

  it('connects and disconnects a function at run time', async () => {
    const signals = app.container.get(Signals);
    const seen: string[] = [];
    const disconnect = signals.connect(userLoginFailed, ({ login }) => void seen.push(login));
    await signals.send(userLoginFailed, { request: undefined as never, login: 'once' });
    disconnect();
    await signals.send(userLoginFailed, { request: undefined as never, login: 'twice' });
    expect(seen).to.deep.equal(['once']);
  });

  it('sends migrationApplied for each migration rondo migrate applies', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rondo-signals-'));
    try {
      const result = spawnSync(
        process.execPath,
        [
          resolve(__dirname, '../../src/cli/main.js'),
          'migrate',
          '--app',
          resolve(__dirname, '../fixtures/cli/signals-app.js'),
        ],
        { encoding: 'utf8', env: { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'db.sqlite3')}` } },
      );
      expect(result.status, result.stderr).to.equal(0);
      const applied = result.stdout.split('\n').filter((line) => line.startsWith('Applied '));
      const signalled = result.stdout.split('\n').filter((line) => line.startsWith('signal migration_applied '));
      expect(applied.length).to.be.greaterThan(0);
      expect(signalled.map((line) => line.replace('signal migration_applied ', 'Applied '))).to.deep.equal(applied);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
