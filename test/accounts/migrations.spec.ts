import { expect } from 'chai';
import { ImproperlyConfigured, silentLogger, type App } from 'rondo';
import { DATABASE, type Database } from 'rondo/db';
import { Accounts, User, authApp } from 'rondo/auth';
import { Entity } from 'typeorm';
import { makeFullApp } from '../fixtures/apps';
import { freshPostgresOrSkip } from '../fixtures/services';

@Entity({ name: 'migration_spec_member' })
class MigrationSpecMember extends User {}

function appOn(database: string, user?: typeof User): Promise<App> {
  return makeFullApp({ apps: [authApp({ user })], logger: silentLogger, settings: { database, migrations: [] } });
}

/** migrate → the tables work → makemigrations finds nothing left to write → migrate again is a no-op. */
async function migratesCleanly(app: App): Promise<void> {
  const database = app.container.get<Database>(DATABASE);
  expect(await database.migrations()).to.deep.equal([{ name: 'CreateAccounts1700000000000', applied: false }]);
  expect(await database.migrate()).to.deep.equal(['CreateAccounts1700000000000']);
  const user = await app.container
    .get(Accounts)
    .createUser({ username: 'ann', email: 'ann@example.com', password: 'correct horse battery' });
  expect((await app.container.get(Accounts).authenticate('ann', 'correct horse battery'))?.id).to.equal(user.id);
  expect(await database.makeMigration('Nothing', '/nonexistent/never-written')).to.equal(undefined);
  expect(await database.migrate()).to.deep.equal([]);
}

describe("rondo/auth's migration (the default User, Group and ApiToken tables)", () => {
  it('comes with authApp() and creates the tables on SQLite, matching the entities exactly', async () => {
    const app = await appOn('sqlite::memory:');
    try {
      await migratesCleanly(app);
    } finally {
      await app.close();
    }
  });

  it('does the same on PostgreSQL', async function () {
    const database = await freshPostgresOrSkip(this);
    const app = await appOn(database.url);
    try {
      await migratesCleanly(app);
    } finally {
      await app.close();
      await database.drop();
    }
  });

  it('is not lost by spreading authApp() into createApp: that is refused at start-up, pointing to apps', async () => {
    const error = await makeFullApp({ ...authApp({ views: true }), settings: { database: 'sqlite::memory:' } }).catch(
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(ImproperlyConfigured).and.have.property('code', 'APP_MODULE_SPREAD');
    expect((error as Error).message)
      .to.include('templateDirs and migrations')
      .and.include('createApp({ apps: [authApp()] })');
  });

  it('is left out for a swapped user entity, whose app writes its own (rondo makemigrations)', async () => {
    const app = await appOn('sqlite::memory:', MigrationSpecMember);
    try {
      expect(await app.container.get<Database>(DATABASE).migrations()).to.deep.equal([]);
    } finally {
      await app.close();
    }
  });
});
