/**
 * The sample's admin in Debian's chromium (headless, playwright-core): a staff user logs
 * in, searches and filters the articles, adds one with tags, adds a comment to it inline,
 * bulk-deletes two after the confirmation page, and reads the history. Screenshots:
 * sample-app/test-results/admin-*.png (git-ignored).
 */
import { expect } from 'chai';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { App } from 'rondo';
import { Accounts } from 'rondo/auth';
import { chromiumAvailable } from '../fixtures/browser';
import { BlogService } from '../../sample-app/src/services/blog-service';
import type { Member } from '../../sample-app/src/models/member';
import { SHOTS, openInChromium, sampleApp } from './fixture';

describe('the sample app’s admin in a real browser (chromium, headless)', function () {
  this.timeout(60_000);
  let app: App;
  let browser: Browser;
  let page: Page;
  let base: string;
  const violations: string[] = [];

  before(async function () {
    if (!chromiumAvailable()) this.skip();
    app = await sampleApp();
    const accounts = app.container.get(Accounts);
    await accounts.createSuperuser({ username: 'boss', email: 'boss@example.com', password: 'violet sunset 42' });
    const writer = (await accounts.createUser({
      username: 'writer',
      email: 'writer@example.com',
      password: 'violet sunset 42',
    })) as Member;
    const blog = app.container.get(BlogService);
    for (const [title, body] of [
      ['Pelican facts', 'About pelicans'],
      ['Harbour walk', 'Boats and gulls'],
      ['Old lighthouse', 'A tall tale'],
      ['Winter market', 'Stalls and lights'],
    ])
      await blog.create(writer, { title, body, description: '', tagList: ['coast'] });
    ({ browser, page, base } = await openInChromium(app, violations));
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `admin-${name}.png`), fullPage: true });

  it('logs a staff user in from the redirect and lists the models', async () => {
    await page.goto(`${base}/admin/`);
    expect(page.url()).to.equal(`${base}/admin/login/?next=%2Fadmin%2F`);
    await page.fill('#id_username', 'boss@example.com');
    await page.fill('#id_password', 'violet sunset 42');
    await page.click('button:has-text("Log in")');
    await page.waitForURL(`${base}/admin/`);
    const index = await page.textContent('main');
    expect(index).to.include('Articles').and.include('Comments').and.include('Tags').and.include('Members');
    await shot('1-index');
  });

  it('searches and filters the articles', async () => {
    await page.click('a:has-text("Articles")');
    expect(await page.locator('table.result-list tbody tr').count()).to.equal(4);
    await page.fill('#searchbar', 'PELICAN');
    await page.click('button:has-text("Search")');
    await page.waitForSelector('text=1 result');
    expect(await page.textContent('table.result-list')).to.include('Pelican facts');
    await page.goto(`${base}/admin/app/article/`);
    await page.click('aside.filters >> text=writer');
    expect(await page.locator('table.result-list tbody tr').count()).to.equal(4);
    await shot('2-changelist');
  });

  it('adds an article with tags, then a comment inline on its page', async () => {
    await page.goto(`${base}/admin/app/article/`);
    await page.click('a:has-text("Add article")');
    await page.fill('#id_slug', 'from-the-admin');
    await page.fill('#id_title', 'From the admin');
    await page.fill('#id_body', 'Written in the admin.');
    await page.selectOption('#id_author', { label: 'writer' });
    await page.selectOption('#id_tags', [{ label: 'coast' }]);
    await page.click('button:has-text("Save and continue editing")');
    await page.waitForSelector('text=was added successfully');
    expect(await page.inputValue('#id_title')).to.equal('From the admin');
    await page.fill('#id_comment_set-0-body', 'A comment added inline.');
    await page.selectOption('#id_comment_set-0-author', { label: 'boss' });
    await page.click('button:has-text("Save and continue editing")');
    await page.waitForSelector('text=was changed successfully');
    expect(await page.inputValue('#id_comment_set-0-body')).to.equal('A comment added inline.');
    await shot('3-change-form');
  });

  it('bulk-deletes two articles after the confirmation page', async () => {
    await page.goto(`${base}/admin/app/article/`);
    const rows = page.locator('table.result-list tbody tr');
    const titles = [
      await rows.nth(1).locator('td').nth(1).textContent(),
      await rows.nth(2).locator('td').nth(1).textContent(),
    ];
    await rows.nth(1).locator('input[type=checkbox]').check();
    await rows.nth(2).locator('input[type=checkbox]').check();
    await page.selectOption('select[name=action]', 'delete_selected');
    await page.click('button:has-text("Go")');
    await page.waitForSelector('text=Are you sure?');
    await shot('4-delete-confirmation');
    await page.click('button:has-text("Yes, I’m sure")');
    await page.waitForSelector('text=Successfully deleted 2 articles.');
    const list = await page.textContent('table.result-list');
    for (const title of titles) expect(list).not.to.include(title!);
  });

  it('shows the history of the article added in the admin, and breaks no Content-Security-Policy', async () => {
    await page.goto(`${base}/admin/app/article/`);
    await page.locator('table.result-list tr', { hasText: 'From the admin' }).locator('th a').click();
    await page.click('a:has-text("History")');
    const history = await page.textContent('table.history');
    expect(history).to.include('boss').and.include('Added.').and.include('Added comment “A comment added inline.”.');
    await shot('5-history');
    expect(violations).to.deep.equal([]);
  });
});
