import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type App } from 'rondo';
import { adminApp, LogEntry } from 'rondo/admin';
import { Accounts, authApp } from 'rondo/auth';
import { DATABASE, type Database } from 'rondo/db';
import { TestClient } from 'rondo/testing';
import { makeFullApp } from '../fixtures/apps';
import { freshPostgresOrSkip } from '../fixtures/services';
import { Label, Note, Roster, Status, Story, Writer, adminFixture, type AdminFixture } from './fixture';

async function loggedIn(
  app: App,
  username: string,
  options: { enforceCsrfChecks?: boolean } = {},
): Promise<TestClient> {
  const client = new TestClient(app, options);
  const answer = await client.post('/admin/login/', { data: { username, password: 'violet sunset 42' } });
  expect(answer.status, answer.text).to.equal(302);
  return client;
}

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

for (const engine of ['SQLite', 'PostgreSQL'] as const) {
  describe(`rondo/admin on ${engine}`, function () {
    this.timeout(30_000);
    let fixture: AdminFixture;
    let app: App;
    let drop: () => Promise<void> = async () => undefined;
    let writers: Writer[];
    let labels: Label[];

    before(async function () {
      let url = 'sqlite::memory:';
      if (engine === 'PostgreSQL') ({ url, drop } = await freshPostgresOrSkip(this));
      fixture = await adminFixture(url);
      app = fixture.app;
      const database = app.container.get<Database>(DATABASE);
      writers = await database.repository<Writer>(Writer).save([{ name: 'Ann Writer' }, { name: 'Bob Writer' }]);
      labels = await database.repository<Label>(Label).save([{ name: 'news' }, { name: 'sport' }]);
      const stories = database.repository<Story>(Story);
      // Dates for the drill-down: stories 1-4 in June 2024, 5-8 in March 2025, 9-12 on 1-4 November 2025.
      for (let i = 1; i <= 12; i++) {
        const story = await stories.save(
          stories.create({
            title: `Story ${i}${i === 3 ? ' 100%_done' : ''}`,
            body: i === 7 ? 'the secret word is pelican' : '',
            views: i * 10,
            featured: i % 4 === 0,
            status: i % 2 === 0 ? Status.Published : Status.Draft,
            writer: writers[i % 2],
            labels: [],
          }),
        );
        const [year, month, day] = i <= 4 ? [2024, 5, i] : i <= 8 ? [2025, 2, i] : [2025, 10, i - 8];
        await stories.update(story.id, { createdAt: new Date(Date.UTC(year, month, day, 12)) });
      }
    });
    after(async () => {
      await app?.close();
      await drop();
    });

    describe('access', () => {
      it('sends an anonymous visitor to the admin login, with next', async () => {
        const answer = await new TestClient(app).get('/admin/app/story/');
        expect(answer.status).to.equal(302);
        expect(answer.headers.get('location')).to.equal('/admin/login/?next=%2Fadmin%2Fapp%2Fstory%2F');
      });

      it('refuses a non-staff user at login with Django’s message', async () => {
        const answer = await new TestClient(app).post('/admin/login/', {
          data: { username: 'plain', password: 'violet sunset 42' },
        });
        expect(answer.status).to.equal(400);
        expect(answer.text).to.include('Please enter the correct username and password for a staff account.');
      });

      it('lists on the index only the models the user may see, and 403s a model without its permission', async () => {
        const viewer = await loggedIn(app, 'viewer');
        const index = await viewer.get('/admin/');
        expect(index.status).to.equal(200);
        expect(index.headers.get('cache-control')).to.include('no-store');
        expect(text(index.text)).to.include('Storys').and.not.include('Writers').and.not.include('Labels');
        expect((await viewer.get('/admin/app/writer/')).status).to.equal(403);
        const root = await loggedIn(app, 'root');
        expect(text((await root.get('/admin/')).text))
          .to.include('Writers')
          .and.include('Labels')
          .and.include('Notes');
      });

      it('lets a view-only user read a story but not save, add or delete it', async () => {
        const viewer = await loggedIn(app, 'viewer');
        const page = await viewer.get('/admin/app/story/1/change/');
        expect(page.status).to.equal(200);
        expect(page.text).to.include('View story').and.not.include('name="title"');
        expect((await viewer.post('/admin/app/story/1/change/', { data: { title: 'x' } })).status).to.equal(403);
        expect((await viewer.get('/admin/app/story/add/')).status).to.equal(403);
        expect((await viewer.get('/admin/app/story/1/delete/')).status).to.equal(403);
      });

      it('checks CSRF on every change: a POST without the token is a 403', async () => {
        const editor = await loggedIn(app, 'editor', { enforceCsrfChecks: true }).catch(() => undefined);
        // The login form itself is CSRF-checked: without a token even logging in is refused.
        expect(editor).to.equal(undefined);
        const client = new TestClient(app, { enforceCsrfChecks: true });
        const form = await client.get('/admin/login/');
        const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(form.text)![1];
        const login = await client.post('/admin/login/', {
          data: { username: 'editor', password: 'violet sunset 42', csrfmiddlewaretoken: token },
        });
        expect(login.status).to.equal(302);
        const refused = await client.post('/admin/app/story/1/delete/', { data: { post: 'yes' } });
        expect(refused.status).to.equal(403);
        expect(await app.container.get<Database>(DATABASE).repository<Story>(Story).existsBy({ id: 1 })).to.equal(true);
      });
    });

    describe('the changelist', () => {
      it('lists the columns, newest first, a page at a time with the count', async () => {
        const root = await loggedIn(app, 'root');
        const page = await root.get('/admin/app/story/');
        expect(page.status).to.equal(200);
        const body = text(page.text);
        expect(body).to.include('Story 12').and.include('Story 8').and.not.include('Story 7 ');
        expect(body).to.include('12 storys');
        expect(body).to.match(/Bob Writer|Ann Writer/);
        const second = text((await root.get('/admin/app/story/?p=2')).text);
        expect(second).to.include('Story 7').and.not.include('Story 12');
      });

      it('shows computed columns, unsortable, with booleans as Yes/No', async () => {
        const root = await loggedIn(app, 'root');
        const page = await root.get('/admin/app/story/?q=Story%2012');
        expect(page.text)
          .to.match(/<th scope="col" class="">Popular<\/th>/)
          .and.match(/<th scope="col" class="">Title length<\/th>/);
        expect(page.text).to.match(/<td class="boolean yes">Yes<\/td>\s*<td>8<\/td>/); // 120 views; 'Story 12'
        const ordered = await root.get('/admin/app/story/?o=column6');
        expect(ordered.status).to.equal(400);
        expect(ordered.text).to.include(
          'order by one of the listed columns (id, title, writer, status, featured, views)',
        );
      });

      it('searches the search fields case-insensitively, taking % and _ literally', async () => {
        const root = await loggedIn(app, 'root');
        expect(text((await root.get('/admin/app/story/?q=PELICAN')).text))
          .to.include('Story 7')
          .and.include('1 result');
        expect(text((await root.get('/admin/app/story/?q=100%25_')).text))
          .to.include('Story 3 100%_done')
          .and.include('1 result');
        expect(text((await root.get('/admin/app/story/?q=%25')).text)).to.include('1 result'); // only the title with a %
        expect(text((await root.get('/admin/app/story/?q=bob+WRITER')).text)).to.include('6 results'); // writer.name
        const injection = await root.get(`/admin/app/story/?q=${encodeURIComponent("' OR 1=1 --")}`);
        expect(injection.status).to.equal(200);
        expect(text(injection.text)).to.include('0 results');
      });

      it('filters by a boolean, an enum and a many-to-one, and sorts by a listed column', async () => {
        const root = await loggedIn(app, 'root');
        expect(text((await root.get('/admin/app/story/?featured=1')).text)).to.include('3 storys');
        expect(text((await root.get('/admin/app/story/?status=published&featured=1')).text)).to.include('3 storys');
        expect(text((await root.get(`/admin/app/story/?writer=${writers[1].id}`)).text)).to.include('6 storys');
        const byViews = (await root.get('/admin/app/story/?o=views')).text;
        expect(byViews.indexOf('>Story 1<')).to.be.lessThan(byViews.indexOf('>Story 2<'));
        expect(byViews).to.include('sorted asc');
      });

      it('drills down by date: the years, then the months and days that hold stories', async () => {
        const root = await loggedIn(app, 'root');
        const hierarchy = (html: string) =>
          text(/<nav class="date-hierarchy"[^]*?<\/nav>/.exec(html)?.[0] ?? '').trim();
        expect(hierarchy((await root.get('/admin/app/story/')).text)).to.equal('2024 2025');
        const year = await root.get('/admin/app/story/?createdAt__year=2025');
        expect(hierarchy(year.text)).to.equal('‹ All dates March 2025 November 2025');
        expect(text(year.text)).to.include('8 storys');
        expect(year.text).to.include('href="/admin/app/story/?createdAt__year=2025&amp;createdAt__month=11"');
        const month = await root.get('/admin/app/story/?createdAt__year=2025&createdAt__month=11&featured=1');
        expect(hierarchy(month.text)).to.equal('‹ All dates ‹ 2025 November 4'); // featured: stories 4, 8, 12
        expect(text(month.text)).to.include('1 story').and.include('Story 12');
        const day = await root.get('/admin/app/story/?createdAt__year=2025&createdAt__month=11&createdAt__day=2');
        expect(hierarchy(day.text)).to.equal('‹ All dates ‹ 2025 ‹ November 2025 November 2, 2025');
        expect(text(day.text)).to.include('1 story').and.include('Story 10');
      });

      it('answers 400 to a drill-down that is not a date', async () => {
        const root = await loggedIn(app, 'root');
        for (const [query, message] of [
          ['createdAt__year=20x5', 'createdAt__year takes a number from 1 to 9999'],
          ['createdAt__year=2025&createdAt__month=13', 'createdAt__month takes a number from 1 to 12'],
          ['createdAt__month=3', 'createdAt__month needs createdAt__year'],
          ['createdAt__year=2025&createdAt__day=3', 'createdAt__day needs createdAt__month'],
          ['createdAt__year=2025&createdAt__month=2&createdAt__day=30', '2025-2-30 is not a date'],
        ]) {
          const answer = await root.get(`/admin/app/story/?${query}`);
          expect(answer.status, query).to.equal(400);
          expect(answer.text, query).to.include(message);
        }
      });

      it('answers 400 to unknown parameters, orderings by unlisted columns and bad filter values; clamps huge pages', async () => {
        const root = await loggedIn(app, 'root');
        for (const query of ['nope=1', 'o=body', 'o=password', 'featured=maybe', 'status=deleted', "writer=1'--"]) {
          const answer = await root.get(`/admin/app/story/?${query}`);
          expect(answer.status, query).to.equal(400);
          expect(answer.text, query).to.match(/Unknown parameter|Cannot order by|Filter \w+ takes/);
        }
        const huge = await root.get('/admin/app/story/?p=999999999');
        expect(huge.status).to.equal(200);
        expect(text(huge.text)).to.include('Story 1 ');
        expect((await root.get('/admin/app/story/?p=-1')).status).to.equal(200);
      });
    });

    describe('add, change and history', () => {
      it('adds a story with a writer and labels, logs it, and keeps input with errors next to the fields', async () => {
        const editor = await loggedIn(app, 'editor');
        const form = await editor.get('/admin/app/story/add/');
        expect(form.text)
          .to.include('name="title"')
          .and.include('type="checkbox"')
          .and.include('<option value="published"')
          .and.include('name="note_set-TOTAL" value="1"') // the inline's blank row, on the add page too
          .and.include('name="note_set-0-text"');
        const bad = await editor.post('/admin/app/story/add/', {
          data: { title: 'forbidden', views: 'many', status: 'lost', writer: '999999', body: 'kept' },
        });
        expect(bad.status).to.equal(400);
        expect(bad.text).to.include('Enter a whole number.').and.include('Select a valid choice. lost');
        expect(bad.text).to.include('Select a valid choice. That choice is not one of the available choices.');
        expect(bad.text).to.include('>kept</textarea>');
        const rules = await editor.post('/admin/app/story/add/', {
          data: { title: 'forbidden', views: '1', status: 'draft', writer: String(writers[0].id) },
        });
        expect(rules.text).to.include('That title is not allowed');
        const saved = await editor.post('/admin/app/story/add/', {
          data: {
            title: 'Fresh',
            views: '5',
            status: 'published',
            featured: 'on',
            publishOn: '2026-12-24',
            writer: String(writers[0].id),
            labels: [String(labels[0].id), String(labels[1].id)],
            _continue: '',
          },
        });
        expect(saved.status, saved.text).to.equal(302);
        const story = await app.container
          .get<Database>(DATABASE)
          .repository<Story>(Story)
          .findOne({ where: { title: 'Fresh' }, relations: { labels: true, writer: true } });
        expect(story).to.include({ views: 5, featured: true, status: 'published', publishOn: '2026-12-24' });
        expect(story!.writer.name).to.equal('Ann Writer');
        expect(story!.labels.map((label) => label.name).sort()).to.deep.equal(['news', 'sport']);
        expect(saved.headers.get('location')).to.equal(`/admin/app/story/${story!.id}/change/`);
        const history = await editor.get(`/admin/app/story/${story!.id}/history/`);
        expect(text(history.text)).to.include('editor').and.include('Added.');
      });

      it('groups the form in its fieldsets, a folded one opening when a field in it has an error', async () => {
        const editor = await loggedIn(app, 'editor');
        const form = (await editor.get('/admin/app/story/add/')).text;
        const order = [
          'name="title"',
          'name="labels"',
          '<summary>Publishing</summary>',
          'When it shows',
          'name="views"',
        ];
        const at = order.map((marker) => form.indexOf(marker));
        expect(
          at.every((index) => index >= 0) && at.every((index, i) => i === 0 || index > at[i - 1]),
          at.join(', '),
        ).to.equal(true);
        expect(form).to.include('<details><summary>Publishing</summary>').and.not.include('name="createdAt"');
        const bad = await editor.post('/admin/app/story/add/', {
          data: { title: 'Folded', views: 'many', status: 'draft', writer: String(writers[0].id) },
        });
        expect(bad.status).to.equal(400);
        expect(bad.text).to.include('<details open><summary>Publishing</summary>').and.include('Enter a whole number.');
      });

      it('changes a story, edits its notes inline (add and delete rows), and records what changed', async () => {
        const root = await loggedIn(app, 'root');
        const database = app.container.get<Database>(DATABASE);
        const story = (await database.repository<Story>(Story).findOneBy({ title: 'Story 5' }))!;
        const kept = await database.repository<Note>(Note).save({ text: 'first note', story });
        const gone = await database.repository<Note>(Note).save({ text: 'old note', story });
        const page = await root.get(`/admin/app/story/${story.id}/change/`);
        expect(page.text).to.include('first note').and.include('note_set-TOTAL');
        const answer = await root.post(`/admin/app/story/${story.id}/change/`, {
          data: {
            title: 'Story 5 edited',
            views: '50',
            status: 'draft',
            writer: String(writers[0].id), // was writers[1]
            body: '',
            'note_set-TOTAL': '3',
            'note_set-0-id': String(kept.id),
            'note_set-0-text': 'first note, edited',
            'note_set-1-id': String(gone.id),
            'note_set-1-text': 'old note',
            'note_set-1-DELETE': 'on',
            'note_set-2-id': '',
            'note_set-2-text': 'a new note',
          },
        });
        expect(answer.status, answer.text).to.equal(302);
        const notes = await database
          .repository<Note>(Note)
          .find({ where: { story: { id: story.id } }, order: { id: 'ASC' } });
        expect(notes.map((note) => note.text)).to.deep.equal(['first note, edited', 'a new note']);
        const log = await database
          .repository<LogEntry>(LogEntry)
          .findOneBy({ objectId: String(story.id), actionFlag: 2 });
        // Views (50), status (draft) and the rest were posted unchanged: only what changed is named.
        expect(log!.changeMessage).to.equal(
          'Changed Title and Writer. Changed Text for note “first note, edited”. Deleted note “old note”. Added note “a new note”.',
        );
        expect(log!.objectRepr).to.equal('Story 5 edited');
      });

      it('takes typed ids for rawIdFields, naming the current object, and refuses an id that is not one', async () => {
        const root = await loggedIn(app, 'root');
        const story = (await app.container
          .get<Database>(DATABASE)
          .repository<Story>(Story)
          .findOneBy({ title: 'Story 2' }))!;
        const form = (await root.get('/admin/app/note/add/')).text;
        expect(form).to.match(/<input id="id_story" name="story" value="" class="raw-id"/);
        for (const story of ['999999', 'x9', "1'--"]) {
          const bad = await root.post('/admin/app/note/add/', { data: { text: 'typed', story } });
          expect(bad.status, story).to.equal(400);
          expect(bad.text).to.include('Select a valid choice. That choice is not one of the available choices.');
        }
        const saved = await root.post('/admin/app/note/add/', {
          data: { text: 'typed', story: String(story.id), _continue: '' },
        });
        expect(saved.status, saved.text).to.equal(302);
        const page = await root.get(saved.headers.get('location')!);
        expect(page.text).to.include(`value="${story.id}" class="raw-id"`).and.include('Id: Story 2');
      });

      it('edits a relation to more than 1000 rows by typed ids, so saving keeps a value no select could list', async () => {
        const root = await loggedIn(app, 'root');
        const database = app.container.get<Database>(DATABASE);
        const many = await database.repository<Label>(Label).save(
          Array.from({ length: 1000 }, (_, i) => ({ name: `bulk ${i}` })),
          { chunk: 200 },
        );
        try {
          const last = many[many.length - 1];
          const stories = database.repository<Story>(Story);
          const story = (await stories.findOneBy({ title: 'Story 6' }))!;
          story.labels = [labels[0], last];
          await stories.save(story);
          const page = (await root.get(`/admin/app/story/${story.id}/change/`)).text;
          expect(page).to.include(`name="labels" value="${labels[0].id}, ${last.id}" class="raw-id"`);
          expect(page)
            .to.include('Ids, separated by commas: news, bulk 999')
            .and.not.include('<option value="' + last.id);
          const answer = await root.post(`/admin/app/story/${story.id}/change/`, {
            data: {
              title: 'Story 6',
              views: '60',
              status: 'published',
              writer: String(writers[0].id),
              labels: `${last.id}, ${labels[1].id}`,
            },
          });
          expect(answer.status, answer.text).to.equal(302);
          const saved = await stories.findOne({ where: { id: story.id }, relations: { labels: true } });
          expect(saved!.labels.map((label) => label.name).sort()).to.deep.equal(['bulk 999', 'sport']);
          const typo = await root.post(`/admin/app/story/${story.id}/change/`, {
            data: {
              title: 'Story 6',
              views: '60',
              status: 'published',
              writer: String(writers[0].id),
              labels: `${last.id}, x1`,
            },
          });
          expect(typo.status).to.equal(400);
          expect(typo.text).to.include('Select valid choices: one of them no longer exists.');
        } finally {
          await database.repository<Label>(Label).remove(many, { chunk: 200 });
        }
      });

      it("lists the user's recent actions on the index, linked while the object exists", async () => {
        const editor = await loggedIn(app, 'editor');
        const added = await editor.post('/admin/app/story/add/', {
          data: { title: 'Recent one', views: '1', status: 'draft', writer: String(writers[0].id), _continue: '' },
        });
        expect(added.status, added.text).to.equal(302);
        const index = (await editor.get('/admin/')).text;
        const recent = /<aside class="recent-actions[^]*?<\/aside>/.exec(index)![0];
        expect(recent)
          .to.include(`<a href="${added.headers.get('location')}">Recent one</a>`)
          .and.include('Story');
        expect(recent).to.include('<li class="added">');
        expect(index)
          .to.include('<a href="/">View site</a>')
          .and.include('href="/accounts/password_change/">Change password</a>');
        const other = (await (await loggedIn(app, 'viewer')).get('/admin/')).text;
        expect(other).to.not.include('Recent one'); // My actions: the viewer's own only
      });

      it('404s an unknown model, an unknown id and an id that is not a number', async () => {
        const root = await loggedIn(app, 'root');
        expect((await root.get('/admin/app/nothing/')).status).to.equal(404);
        expect((await root.get('/admin/app/story/99999/change/')).status).to.equal(404);
        expect((await root.get("/admin/app/story/1'or'1/change/")).status).to.equal(404);
      });
    });

    describe('users and their permissions', () => {
      it("offers the site's permissions on a user's page, and a granted one opens the model to them", async () => {
        const root = await loggedIn(app, 'root');
        const plain = fixture.users.plain;
        const page = await root.get(`/admin/auth/user/${plain.id}/change/`);
        expect(page.status).to.equal(200);
        expect(page.text)
          .to.include('<option value="app.view_story"')
          .and.include('<option value="auth.change_user"')
          .and.include('<option value="app.publish_story"') // a view's @PermissionRequired
          .and.not.include('name="password"'); // the hash is shown, never edited
        const saved = await root.post(`/admin/auth/user/${plain.id}/change/`, {
          data: {
            username: 'plain',
            email: '',
            isActive: 'on',
            isStaff: 'on',
            permissions: ['app.view_story'],
          },
        });
        expect(saved.status, saved.text).to.equal(302);
        const client = await loggedIn(app, 'plain');
        expect((await client.get('/admin/app/story/')).status).to.equal(200);
        expect((await client.get('/admin/app/writer/')).status).to.equal(403);
        const refused = await root.post(`/admin/auth/user/${plain.id}/change/`, {
          data: { username: 'plain', isActive: 'on', permissions: ['not a permission'] },
        });
        expect(refused.status).to.equal(400);
        expect(refused.text).to.include('is not a permission (app.codename).');
      });
    });

    describe('delete', () => {
      it('confirms a delete listing what goes with it, then deletes and logs it', async () => {
        const root = await loggedIn(app, 'root');
        const database = app.container.get<Database>(DATABASE);
        const story = (await database.repository<Story>(Story).findOneBy({ title: 'Story 9' }))!;
        await database.repository<Note>(Note).save({ text: 'goes too', story });
        const confirm = await root.get(`/admin/app/story/${story.id}/delete/`);
        expect(text(confirm.text)).to.include('Are you sure').and.include('note: goes too');
        const done = await root.post(`/admin/app/story/${story.id}/delete/`, { data: { post: 'yes' } });
        expect(done.status).to.equal(302);
        expect(await database.repository<Story>(Story).existsBy({ id: story.id })).to.equal(false);
        expect(
          await database.repository<LogEntry>(LogEntry).existsBy({ objectId: String(story.id), actionFlag: 3 }),
        ).to.equal(true);
      });

      it('refuses to delete a writer whose stories protect it (RESTRICT), naming them', async () => {
        const root = await loggedIn(app, 'root');
        const page = await root.get(`/admin/app/writer/${writers[0].id}/delete/`);
        expect(text(page.text)).to.include('which are protected').and.include('story: Story');
        await root.post(`/admin/app/writer/${writers[0].id}/delete/`, { data: { post: 'yes' } });
        expect(
          await app.container.get<Database>(DATABASE).repository<Writer>(Writer).existsBy({ id: writers[0].id }),
        ).to.equal(true);
      });

      it('bulk-deletes the selected stories after a confirmation page', async () => {
        const editor = await loggedIn(app, 'editor');
        const database = app.container.get<Database>(DATABASE);
        const targets = await database.repository<Story>(Story).findBy([{ title: 'Story 10' }, { title: 'Story 11' }]);
        const ids = targets.map((story) => String(story.id));
        const confirm = await editor.post('/admin/app/story/', {
          data: { action: 'delete_selected', _selected_action: ids },
        });
        expect(confirm.status).to.equal(200);
        expect(text(confirm.text)).to.include('Story 10').and.include('Story 11').and.include('Yes, I’m sure');
        expect(await database.repository<Story>(Story).countBy(ids.map((id) => ({ id: Number(id) })))).to.equal(2);
        const done = await editor.post('/admin/app/story/', {
          data: { action: 'delete_selected', _selected_action: ids, post: 'yes' },
        });
        expect(done.status).to.equal(302);
        expect(await database.repository<Story>(Story).countBy(ids.map((id) => ({ id: Number(id) })))).to.equal(0);
        const list = await editor.get('/admin/app/story/');
        expect(list.text).to.include('Successfully deleted 2 storys.');
      });

      it('runs an @Admin class: its injected service in an action method, its object-level delete hook', async () => {
        const root = await loggedIn(app, 'root');
        expect((await root.get('/admin/app/writer/')).text).to.include(
          '<option value="callRoll">Call the roll</option>',
        );
        const answer = await root.post('/admin/app/writer/', {
          data: { action: 'callRoll', _selected_action: writers.map((writer) => String(writer.id)) },
        });
        expect(answer.status).to.equal(302);
        expect((await root.get('/admin/app/writer/')).text).to.include('Called 2 writer(s).');
        expect(app.container.get(Roster).called.sort()).to.deep.equal(['Ann Writer', 'Bob Writer']);
        const added = await root.post('/admin/app/writer/add/', { data: { name: 'Cy Writer' } });
        expect(added.status, added.text).to.equal(302);
        expect(app.container.get(Roster).called).to.include('adding Cy Writer'); // beforeSave
        const tenured = await app.container
          .get<Database>(DATABASE)
          .repository<Writer>(Writer)
          .save({ name: 'Tenured Writer' });
        expect((await root.get(`/admin/app/writer/${tenured.id}/delete/`)).status).to.equal(403);
        expect((await root.get(`/admin/app/writer/${tenured.id}/change/`)).status).to.equal(200);
      });

      it('runs beforeSave on the object before it is saved', async () => {
        const root = await loggedIn(app, 'root');
        const answer = await root.post('/admin/app/label/add/', { data: { name: 'BREAKING' } });
        expect(answer.status, answer.text).to.equal(302);
        const database = app.container.get<Database>(DATABASE);
        expect(await database.repository<Label>(Label).existsBy({ name: 'breaking' })).to.equal(true);
      });

      it('does nothing for an action without selection or an action the user may not run', async () => {
        const viewer = await loggedIn(app, 'viewer');
        const answer = await viewer.post('/admin/app/story/', {
          data: { action: 'delete_selected', _selected_action: ['1'], post: 'yes' },
        });
        expect(answer.status).to.equal(302);
        expect(await app.container.get<Database>(DATABASE).repository<Story>(Story).existsBy({ id: 1 })).to.equal(true);
      });
    });
  });
}

describe('adminApp templates', () => {
  it("lets the app's own admin/<name>.ejs replace the admin's, by name", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rondo-admin-templates-'));
    mkdirSync(join(dir, 'admin'));
    writeFileSync(
      join(dir, 'admin', 'index.ejs'),
      "<% layout('admin/base.ejs') %><h1>Our own dashboard</h1><p><%= models.length %> models</p>",
    );
    const app = await makeFullApp({
      apps: [authApp(), adminApp({ models: [Writer], title: 'Back office', path: '/office', name: 'office' })],
      entities: [Writer],
      settings: { database: 'sqlite::memory:', templates: { dirs: [dir] }, authLoginRateLimit: null },
    });
    try {
      await app.container.get<Database>(DATABASE).dataSource.synchronize();
      await app.container
        .get(Accounts)
        .createSuperuser({ username: 'boss', email: 'boss@example.com', password: 'violet sunset 42' });
      const client = new TestClient(app);
      expect(
        (await client.post('/office/login/', { data: { username: 'boss', password: 'violet sunset 42' } })).status,
      ).to.equal(302);
      const index = await client.get('/office/');
      expect(index.text).to.include('Our own dashboard').and.include('1 models').and.include('Back office');
      expect((await client.get('/office/app/writer/')).status).to.equal(200);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('adminApp configuration', () => {
  /** The ADMIN_INVALID error createApp rejects with for a site registering `model` with `options`; its message. */
  async function startupError(model: Function, options: object): Promise<string> {
    const error = await makeFullApp({
      apps: [authApp(), adminApp({ models: [[model, options as never]] })],
      entities: [Writer, Label, Story, Note],
      settings: { database: 'sqlite::memory:' },
    }).then(
      () => expect.fail('started'),
      (e: unknown) => e,
    );
    expect(error).to.have.property('code', 'ADMIN_INVALID');
    return (error as Error).message;
  }

  it('fails start-up for an option naming a column the model lacks', async () => {
    expect(await startupError(Story, { listDisplay: ['nope'] })).to.match(
      /adminApp: listDisplay of Story names 'nope', which is not one of its columns/,
    );
  });

  it('fails start-up for a listDisplay entry that is neither a column nor { label, value }', async () => {
    expect(await startupError(Story, { listDisplay: ['id', { label: 'Broken' } as never] })).to.include(
      'listDisplay of Story has an entry (1) that is neither a column name',
    );
  });

  it('fails start-up for a related search field that is not a text column of a many-to-one', async () => {
    for (const [field, message] of [
      [
        'writer.nope',
        "names 'writer.nope'; a related field is 'relation.column', a text column of a many-to-one's model (Writer has name)",
      ],
      ['title.length', "names 'title.length'; a related field is 'relation.column'"],
      ['views', "names 'views', which is not a text column"],
    ]) {
      expect(await startupError(Story, { searchFields: [field] }), field).to.include(message);
    }
  });

  it('fails start-up for rawIdFields naming a column that is not a relation', async () => {
    expect(await startupError(Story, { rawIdFields: ['views'] })).to.include(
      "rawIdFields of Story names 'views', an integer column",
    );
  });

  it('fails start-up for fields beside fieldsets, and for a field in two fieldsets', async () => {
    for (const [options, message] of [
      [{ fields: ['title'], fieldsets: [[null, { fields: ['body'] }]] }, 'Story has both fields and fieldsets'],
      [
        {
          fieldsets: [
            ['A', { fields: ['title'] }],
            ['B', { fields: ['title'] }],
          ],
        },
        "name 'title' twice",
      ],
      [{ fieldsets: [['A', { fields: ['headline'] }]] }, "fieldsets of Story names 'headline', which is not one"],
    ] as const) {
      expect(await startupError(Story, options), message).to.include(message);
    }
  });

  it('fails start-up for a dateHierarchy that is not a date or datetime column', async () => {
    expect(await startupError(Story, { dateHierarchy: 'title' })).to.include(
      "dateHierarchy of Story names 'title', a text column",
    );
  });

  it('closes the database it opened when start-up fails (nothing outlives the rejected createApp)', async () => {
    const { atomic } = await import('rondo/db');
    expect(await startupError(Story, { listFilter: ['title'] })).to.match(
      /listFilter of Story names 'title', a text column/,
    );
    // The standalone atomic() sees no connected database left behind by the failed app.
    expect(() => atomic(async () => undefined)).to.throw(/atomic\(\) found no connected database/);
  });

  it('fails start-up for a model that is not an entity of the app', async () => {
    class Stray {}
    try {
      await makeFullApp({
        apps: [authApp(), adminApp({ models: [Stray] })],
        settings: { database: 'sqlite::memory:' },
      });
      expect.fail('started');
    } catch (error) {
      expect((error as Error).message).to.match(/adminApp: Stray is not an entity of the app/);
    }
  });
});
