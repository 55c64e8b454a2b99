import { expect } from 'chai';
import { WebSocket as Client } from 'ws';
import type { App, ServerHandle } from 'rondo';
import { Mailer } from 'rondo/mail';
import { runWorker } from 'rondo/tasks';
import { TestClient } from 'rondo/testing';
import { sampleApp } from './fixture';

/** A reader's socket on an article's live comments: the first message it gets. */
function listen(url: string): Promise<{ next: Promise<unknown>; close(): void }> {
  const client = new Client(url);
  const next = new Promise<unknown>((resolve) => client.once('message', (data) => resolve(JSON.parse(String(data)))));
  return new Promise((resolve, reject) => {
    client.once('open', () => resolve({ next, close: () => client.close() }));
    client.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
    client.once('error', reject);
  });
}

for (const backend of ['immediate', 'database'] as const) {
  describe(`the sample app: new comments, live and by mail (tasksBackend '${backend}')`, () => {
    let app: App;
    let server: ServerHandle;
    let api: TestClient;
    const tokens: Record<string, string> = {};
    before(async () => {
      app = await sampleApp({ tasksBackend: backend });
      server = await app.listen({ port: 0, handleSignals: false });
      api = new TestClient(app);
      for (const name of ['writer', 'reader']) {
        const answer = await api.post('/api/users', {
          json: { user: { username: name, email: `${name}@example.com`, password: 'password' } },
        });
        tokens[name] = answer.json().user.token as string;
      }
      const created = await api.post('/api/articles', {
        json: { article: { title: 'Live one', description: 'd', body: 'b' } },
        headers: { authorization: `Token ${tokens.writer}` },
      });
      expect(created.status).to.equal(201);
    });
    after(() => app.close());

    it("shows a reader's comment at once to everyone on the article's page, and mails the author", async () => {
      const socket = await listen(`${server.url.replace('http', 'ws')}/ws/articles/live-one/comments/`);
      const posted = await api.post('/api/articles/live-one/comments', {
        json: { comment: { body: 'First!' } },
        headers: { authorization: `Token ${tokens.reader}` },
      });
      expect(posted.status).to.equal(200);
      const message = (await socket.next) as { comment: { body: string; author: string; id: number } };
      expect(message.comment).to.include({ body: 'First!', author: 'reader', id: posted.json().comment.id });
      socket.close();
      const mailer = app.container.get(Mailer);
      if (backend === 'database') {
        expect(mailer.outbox).to.have.length(0); // queued: the response did not wait for the mail
        await runWorker(app, { burst: true, signal: new AbortController().signal });
      }
      expect(mailer.outbox.map((mail) => [mail.to, mail.subject])).to.deep.equal([
        [['writer@example.com'], 'New comment on “Live one”'],
      ]);
      expect(mailer.outbox[0].text).to.equal('reader wrote:\n\nFirst!\n');
    });

    it('does not mail the author about their own comment', async () => {
      const mailer = app.container.get(Mailer);
      mailer.outbox.splice(0);
      await api.post('/api/articles/live-one/comments', {
        json: { comment: { body: 'Thanks' } },
        headers: { authorization: `Token ${tokens.writer}` },
      });
      if (backend === 'database') await runWorker(app, { burst: true, signal: new AbortController().signal });
      expect(mailer.outbox).to.deep.equal([]);
    });

    it('refuses the live socket of an article that does not exist (404)', async () => {
      try {
        await listen(`${server.url.replace('http', 'ws')}/ws/articles/no-such-article/comments/`);
        expect.fail('opened');
      } catch (error) {
        expect((error as Error).message).to.equal('HTTP 404');
      }
    });
  });
}
