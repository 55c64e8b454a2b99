import { expect } from 'chai';
import { Get, HttpRequest, Post, Route } from 'rondo';
import { TestClient } from 'rondo/testing';
import { makeFullApp } from '../fixtures/apps';

@Route('/m')
class NoticeController {
  @Post('/save') save(request: HttpRequest) {
    request.messages.success('Post saved');
    request.messages.add('warning', 'Check the title');
    return 'saved';
  }

  @Get('/show') async show(request: HttpRequest) {
    return (await request.messages.all()).map((m) => `${m.tag}:${m.text}`);
  }

  @Get('/other') other() {
    return 'nothing read';
  }
}

for (const storage of ['session', 'cookie'] as const) {
  describe(`MessageMiddleware (${storage} storage)`, () => {
    it('shows messages on the next page once, then forgets them', async () => {
      const c = new TestClient(
        await makeFullApp({ controllers: [NoticeController], settings: { messageStorage: storage } }),
      );
      await c.post('/m/save');
      await c.get('/m/other');
      expect((await c.get('/m/show')).json()).to.deep.equal(['success:Post saved', 'warning:Check the title']);
      expect((await c.get('/m/show')).json()).to.deep.equal([]);
    });

    it('ignores tampered stored messages', async () => {
      const c = new TestClient(
        await makeFullApp({ controllers: [NoticeController], settings: { messageStorage: storage } }),
      );
      const response = await c.get('/m/show', { headers: { cookie: 'messages=forged; sessionid=forged' } });
      expect(response.status).to.equal(200);
      expect(response.json()).to.deep.equal([]);
    });
  });
}

describe('MessageMiddleware settings', () => {
  it('rejects an unknown messageStorage at start-up', async () => {
    expect(await makeFullApp({ settings: { messageStorage: 'db' } }).catch((e: Error) => e.message)).to.include(
      "messageStorage is 'db'",
    );
  });
});
