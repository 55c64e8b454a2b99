/**
 * The sample blog in a real browser: Debian's chromium, headless, driven by playwright-core
 * (no browser is downloaded). .ci/run installs chromium when it is missing; elsewhere a
 * machine without it skips this suite and says why. Screenshots: sample-app/test-results/.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { App } from 'rondo';
import { chromiumAvailable, recordCspViolations } from '../fixtures/browser';
import { SHOTS, openInChromium, sampleApp } from './fixture';

describe('the sample app in a real browser (chromium, headless)', function () {
  this.timeout(60_000);
  let app: App;
  let browser: Browser;
  let page: Page;
  let base: string;
  const violations: string[] = [];

  before(async function () {
    if (!chromiumAvailable()) this.skip();
    app = await sampleApp();
    ({ browser, page, base } = await openInChromium(app, violations));
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  it('signs up through the form and shows who is logged in', async () => {
    await page.goto(`${base}/`);
    expect(await page.title()).to.include('Rondo blog');
    await page.click('text=Sign up');
    await page.fill('#id_username', 'ada');
    await page.fill('#id_email', 'ada@example.com');
    await page.fill('#id_password1', 'violet sunset 42');
    await page.fill('#id_password2', 'violet sunset 42');
    await page.click('button:has-text("Sign up")');
    await page.waitForURL(`${base}/`);
    expect(await page.textContent('.nav')).to.include('Signed in as ada');
    expect(await page.textContent('.message')).to.include('Welcome, ada!');
    await shot('1-signed-up');
  });

  it('logs out and logs in again with the e-mail address', async () => {
    await page.click('button:has-text("Log out")');
    await page.waitForSelector('text=Log in');
    expect(await page.textContent('.nav')).not.to.include('Signed in');
    await page.click('.nav >> text=Log in');
    await page.fill('#id_username', 'ada@example.com');
    await page.fill('#id_password', 'violet sunset 42');
    await page.click('button:has-text("Log in")');
    await page.waitForSelector('text=Signed in as');
    expect(await page.textContent('.nav')).to.include('Signed in as ada');
  });

  it('creates a post through the form, sees the flash message and the post, and the flash only once', async () => {
    await page.click('text=Write an article');
    await page.fill('#id_title', 'Morning light');
    await page.fill('#id_description', 'A short note');
    await page.fill('#id_body', 'The sun rose over the hills.');
    await page.fill('#id_tags', 'sky, morning');
    await page.click('button:has-text("Publish")');
    await page.waitForSelector('h1:has-text("Morning light")');
    expect(await page.textContent('.message')).to.include('Published “Morning light”');
    expect(await page.textContent('main')).to.include('The sun rose over the hills.');
    await shot('2-published');
    await page.reload();
    expect(await page.locator('.message').count()).to.equal(0);
    await page.goto(`${base}/`);
    expect(await page.textContent('main')).to.include('Morning light');
  });

  it('fails a form validation and shows the error next to the field, keeping the input', async () => {
    await page.click('text=Write an article');
    await page.fill('#id_title', 'Unfinished');
    await page.click('button:has-text("Publish")');
    await page.waitForSelector('.error');
    const bodyError = page.locator('#id_body + .error');
    expect(await bodyError.textContent()).to.equal('This field is required.');
    expect(await page.inputValue('#id_title')).to.equal('Unfinished');
    await shot('3-validation-error');
  });

  it("shows a new comment live on another reader's open page (a WebSocket), without a reload", async () => {
    const reader = await browser.newPage(); // a context of its own: an anonymous reader
    recordCspViolations(reader, violations);
    await reader.goto(`${base}/articles/morning-light/`);
    await reader.waitForSelector('[data-live-state="open"]');
    await page.goto(`${base}/articles/morning-light/`);
    await page.fill('#id_body', 'Lovely light <b>here</b>.');
    await page.click('button:has-text("Post comment")');
    await reader.waitForSelector('.comment.live');
    expect(await reader.textContent('.comment.live p:first-child')).to.equal('Lovely light <b>here</b>.'); // as text
    expect(await reader.textContent('.comment.live .meta')).to.include('ada');
    expect(await reader.locator('.comment.live b').count()).to.equal(0);
    await reader.screenshot({ path: join(SHOTS, '5-live-comment.png'), fullPage: true });
    await reader.close();
  });

  it('logs out, back to an anonymous home page', async () => {
    await page.click('button:has-text("Log out")');
    await page.waitForSelector('.nav >> text=Sign up');
    expect(await page.textContent('.nav'))
      .to.include('Log in')
      .and.not.include('Signed in');
    await shot('4-logged-out');
  });

  it('serves every page under a strict Content-Security-Policy that none of them breaks (nonces on the inline styles)', async () => {
    const answer = await page.goto(`${base}/accounts/login/`);
    const policy = answer!.headers()['content-security-policy'];
    expect(policy)
      .to.include("default-src 'self'")
      .and.include("object-src 'none'")
      .and.match(/style-src 'self'( 'nonce-[A-Za-z0-9+/=]+')?/);
    await page.goto(`${base}/accounts/password_reset/`);
    await page.goto(`${base}/no-such-page/`); // Rondo's own error page, with its inline style
    expect(violations).to.deep.equal([]);
  });
});
