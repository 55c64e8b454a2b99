/**
 * The sample's API docs page in chromium, under the sample's strict Content-Security-Policy:
 * Swagger UI renders every operation from /openapi.json, with no violation and nothing
 * fetched from elsewhere.
 */
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import type { App } from 'rondo';
import { chromiumAvailable, launchChromium, recordCspViolations } from '../fixtures/browser';
import { sampleApp } from './fixture';

describe('the Conduit API docs page in a browser (Swagger UI, strict CSP)', function () {
  this.timeout(60_000);
  let app: App;
  let browser: Browser;
  let base: string;

  before(async function () {
    if (!chromiumAvailable()) this.skip();
    app = await sampleApp();
    const server = await app.listen({ host: '127.0.0.1', port: 0 });
    base = server.url.replace(/\/$/, '');
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it('renders the operations of the document, loading only this site, with no CSP violation', async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    recordCspViolations(page, violations);
    const elsewhere: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(base) && !request.url().startsWith('data:')) elsewhere.push(request.url());
    });
    await page.goto(`${base}/docs/`);
    await page.waitForSelector('.opblock', { timeout: 20_000 });
    const operations = await page.locator('.opblock').count();
    expect(operations).to.equal(19);
    expect(await page.locator('.info .title').innerText()).to.include('Conduit API');
    expect(violations).to.deep.equal([]);
    expect(elsewhere).to.deep.equal([]);
  });
});
