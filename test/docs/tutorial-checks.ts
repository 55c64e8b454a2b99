/**
 * What each part of the tutorial promises, checked over TestClient against the project's
 * compiled app as its own tests build it (in-memory SQLite, migrated). Run in a child
 * process per part (`node tutorial-checks.js <project> <part>`), so each part loads the
 * project's freshly compiled classes: exit 0 when the part keeps its promises, else the
 * failed assertion on stderr and exit 1.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import type { App } from 'rondo';
import { Accounts } from 'rondo/auth';
import { TestClient, loadFixtures } from 'rondo/testing';

const POLLS = [
  { model: 'Question', pk: 1, fields: { text: 'Tea or coffee?' } },
  { model: 'Choice', pk: 1, fields: { question: 1, text: 'Tea' } },
  { model: 'Choice', pk: 2, fields: { question: 1, text: 'Coffee' } },
];

/** A client logged in through the login form as a new user with these permissions. */
async function loggedIn(app: App, permissions: string[]): Promise<TestClient> {
  const username = `user${Math.random().toString(36).slice(2, 8)}`;
  await app.container.get(Accounts).createUser({ username, password: 'violet sunset 42', permissions });
  const client = new TestClient(app);
  const login = await client.post('/accounts/login/', { data: { username, password: 'violet sunset 42' } });
  expect(login.status).to.equal(302);
  return client;
}

export const CHECKS: Record<string, (app: App) => Promise<void>> = {
  async '01'(app) {
    const client = new TestClient(app);
    const page = await client.get('/polls/');
    expect(page.status).to.equal(200);
    expect(page.text).to.include('<h1>Polls</h1>').and.include('What&#39;s new?');
    expect((await client.get('/polls/nowhere')).status).to.equal(404);
  },
  async '02'(app) {
    await loadFixtures(app, POLLS);
    const client = new TestClient(app);
    expect((await client.get('/polls/')).text).to.include('<a href="/polls/1/">Tea or coffee?</a>');
    expect((await client.get('/polls/1/')).text).to.include('<li>Coffee</li>');
    expect((await client.get('/polls/999/')).status).to.equal(404);
  },
  async '03'(app) {
    await loadFixtures(app, POLLS);
    const client = new TestClient(app);
    const voted = await client.post('/polls/1/vote', { data: { choice: '2' } });
    expect(voted.status).to.equal(302);
    expect(voted.headers.get('location')).to.equal('/polls/1/results');
    expect((await client.get('/polls/1/results')).text).to.include('<td>Coffee</td><td>1</td>');
    const unchosen = await client.post('/polls/1/vote', { data: {} });
    expect(unchosen.status).to.equal(400);
    expect(unchosen.text).to.include('You didn&#39;t select a choice.');
    const invalid = await client.post('/polls/new', { data: { text: 'Cats?', choices: 'Yes' } });
    expect(invalid.status).to.equal(400);
    expect(invalid.text).to.include('Give at least two choices, one per line.').and.include('value="Cats?"');
    const created = await client.post('/polls/new', { data: { text: 'Cats?', choices: 'Yes\r\nOf course\r\n' } });
    expect(created.status).to.equal(302);
    const page = await client.get(created.headers.get('location')!);
    expect(page.text).to.include('Added “Cats?”').and.include('Of course');
  },
  async '04'(app) {
    await loadFixtures(app, POLLS);
    const anonymous = new TestClient(app);
    const vote = await anonymous.post('/polls/1/vote', { data: { choice: '1' } });
    expect(vote.status).to.equal(302);
    expect(vote.headers.get('location')).to.match(/^\/accounts\/login\/\?next=/);
    expect((await anonymous.get('/polls/')).text).to.not.include('New poll');
    const voter = await loggedIn(app, []);
    expect((await voter.post('/polls/1/vote', { data: { choice: '1' } })).status).to.equal(302);
    expect((await voter.get('/polls/new')).status).to.equal(403);
    const editor = await loggedIn(app, ['polls.add_question']);
    expect((await editor.get('/polls/')).text).to.include('New poll');
    expect((await editor.get('/polls/new')).status).to.equal(200);
    // The admin: a superuser sees the questions, adds one with its choices on one page.
    await app.container.get(Accounts).createSuperuser({ username: 'admin', password: 'violet sunset 42' });
    const admin = new TestClient(app);
    const login = await admin.post('/admin/login/', { data: { username: 'admin', password: 'violet sunset 42' } });
    expect(login.status).to.equal(302);
    expect((await admin.get('/admin/')).text).to.include('Questions');
    expect((await admin.get('/admin/polls/question/?q=coffee')).text).to.include('Tea or coffee?');
    expect((await admin.get('/admin/polls/question/add/')).text).to.include('name="choice_set-2-text"'); // extra: 3
    const added = await admin.post('/admin/polls/question/add/', {
      data: {
        text: 'Rain or sun?',
        'choice_set-TOTAL': '2',
        'choice_set-0-text': 'Rain',
        'choice_set-0-votes': '0',
        'choice_set-1-text': 'Sun',
        'choice_set-1-votes': '0',
      },
    });
    expect(added.status, added.text).to.equal(302);
    expect((await new TestClient(app).get('/polls/')).text).to.include('Rain or sun?');
    expect((await admin.get('/admin/polls/question/2/change/')).text).to.include('value="Sun"');
  },
  async '05'(app) {
    await loadFixtures(app, POLLS);
    const client = await loggedIn(app, []);
    const tokenPage = await client.post('/api-token/');
    const token = /<code>([0-9a-f]{40})<\/code>/.exec(tokenPage.text)?.[1];
    expect(token, tokenPage.text).to.be.a('string');
    const api = new TestClient(app);
    const list = await api.get('/api/polls/');
    expect(list.json().questions[0]).to.include({ id: 1, text: 'Tea or coffee?' });
    const voted = await api.post('/api/polls/1/votes', {
      json: { choice: 2 },
      headers: { authorization: `Token ${token}` },
    });
    expect(voted.status).to.equal(201);
    expect(voted.json()).to.deep.equal({ choice: 2, votes: 1 });
    // as a program without a token meets it: no session, no CSRF cookie
    const program = new TestClient(app, { enforceCsrfChecks: true });
    const anonymous = await program.post('/api/polls/1/votes', { json: { choice: 2 } });
    expect(anonymous.status).to.equal(401);
    expect(anonymous.headers.get('www-authenticate')).to.equal('Token realm="api"');
    const form = await client.post('/api/polls/1/votes', { data: { choice: '2' } });
    expect(form.status, 'a form post to the CSRF-exempt API').to.equal(415);
  },
};

if (require.main === module) {
  const [project, part] = process.argv.slice(2);
  const check = CHECKS[part];
  void (async () => {
    if (check === undefined) return;
    const helpers = require(join(project, 'dist/test/helpers.js')) as { testApp(): Promise<App> };
    const app = await helpers.testApp();
    try {
      await check(app);
    } finally {
      await app.close();
    }
  })().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
