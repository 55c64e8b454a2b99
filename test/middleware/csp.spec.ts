import { expect } from 'chai';
import { join } from 'node:path';
import {
  CSP,
  Csp,
  CspReportOnly,
  Get,
  Http404,
  HttpRequest,
  HttpResponse,
  Route,
  render,
  type App,
  type CspPolicy,
} from 'rondo';
import { TestClient } from 'rondo/testing';
import { makeFullApp } from '../fixtures/apps';

const STRICT: CspPolicy = {
  'default-src': [CSP.SELF],
  'script-src': [CSP.SELF, CSP.NONCE],
  'style-src': [CSP.SELF, CSP.NONCE],
  'object-src': [CSP.NONE],
  'upgrade-insecure-requests': true,
};

@Route('')
class Pages {
  @Get('/templated') templated(request: HttpRequest) {
    return render(request, 'csp/page.ejs', {});
  }
  @Get('/plain') plain() {
    return '<p>no inline code</p>';
  }
  @Get('/embed') @Csp({ 'frame-ancestors': ['https://partner.example'] }) embed() {
    return 'embed';
  }
  @Get('/none') @Csp(null) @CspReportOnly(null) none() {
    return 'no policy';
  }
  @Get('/own') own() {
    return new HttpResponse('x', { headers: { 'Content-Security-Policy': "default-src 'none'" } });
  }
  @Get('/missing') missing() {
    throw new Http404('nothing here');
  }
}

const TEMPLATES = { dirs: [join(__dirname, '../../../test/fixtures/templates')] };
const appWith = (settings: Record<string, unknown>): Promise<App> =>
  makeFullApp({ controllers: [Pages], settings: { templates: TEMPLATES, ...settings } });
const nonceOf = (header: string | undefined) => /'nonce-([A-Za-z0-9+/=]+)'/.exec(header ?? '')?.[1];

describe('Content-Security-Policy (settings.csp, @Csp, cspNonce)', () => {
  it("sends settings.csp with the nonce the page's inline style and script carry, a new one per request", async () => {
    const client = new TestClient(await appWith({ csp: STRICT }));
    const first = await client.get('/templated');
    const header = first.headers.get('content-security-policy')!;
    const nonce = nonceOf(header);
    expect(nonce).to.match(/^[A-Za-z0-9+/]{22}==$/);
    expect(header).to.equal(
      `default-src 'self'; script-src 'self' 'nonce-${nonce}'; style-src 'self' 'nonce-${nonce}'; object-src 'none'; upgrade-insecure-requests`,
    );
    expect(first.text).to.include(`<style nonce="${nonce}">`).and.include(`<script nonce="${nonce}">`);
    const second = await client.get('/templated');
    expect(nonceOf(second.headers.get('content-security-policy')))
      .to.be.a('string')
      .and.not.equal(nonce);
  });

  it('names no nonce when the page used none (nothing to allow)', async () => {
    const answer = await new TestClient(await appWith({ csp: STRICT })).get('/plain');
    expect(answer.headers.get('content-security-policy')).to.equal(
      "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; upgrade-insecure-requests",
    );
  });

  it("puts the nonce on Rondo's own error pages, so a strict policy allows their style", async () => {
    const answer = await new TestClient(await appWith({ csp: STRICT })).get('/missing');
    expect(answer.status).to.equal(404);
    const nonce = nonceOf(answer.headers.get('content-security-policy'));
    expect(answer.text).to.include(`<style nonce="${nonce}">`);
  });

  it('sends cspReportOnly as Content-Security-Policy-Report-Only, beside or instead of the enforced one', async () => {
    const answer = await new TestClient(
      await appWith({ cspReportOnly: { 'default-src': [CSP.SELF], 'report-uri': ['/csp-reports/'] } }),
    ).get('/plain');
    expect(answer.headers.get('content-security-policy-report-only')).to.equal(
      "default-src 'self'; report-uri /csp-reports/",
    );
    expect(answer.headers.has('content-security-policy')).to.equal(false);
  });

  it('lets @Csp() replace the policy for a view, @Csp(null) send none, and a header the view set stay', async () => {
    const client = new TestClient(await appWith({ csp: STRICT, cspReportOnly: STRICT }));
    expect((await client.get('/embed')).headers.get('content-security-policy')).to.equal(
      'frame-ancestors https://partner.example',
    );
    const none = await client.get('/none');
    expect(none.headers.has('content-security-policy')).to.equal(false);
    expect(none.headers.has('content-security-policy-report-only')).to.equal(false);
    expect((await client.get('/own')).headers.get('content-security-policy')).to.equal("default-src 'none'");
  });

  it('sends no policy by default', async () => {
    const answer = await new TestClient(await appWith({})).get('/templated');
    expect(answer.headers.has('content-security-policy')).to.equal(false);
    expect(answer.text).to.match(/<style nonce="[A-Za-z0-9+/=]+">/); // harmless without a policy
  });

  it('refuses a malformed policy at start-up, naming the setting and the fix', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [
        { csp: { defaultSrc: [CSP.SELF] } },
        /settings\.csp has the directive 'defaultSrc', which is not a CSP directive/,
      ],
      [
        { csp: { 'script-src': ["'self' https://a.example"] } },
        /settings\.csp\['script-src'\] must be a list of sources without spaces/,
      ],
      [{ csp: { 'img-src': [CSP.SELF, 'data:;'] } }, /without spaces, commas or semicolons/],
      [{ cspReportOnly: ['default-src'] }, /settings\.cspReportOnly must be an object of directives/],
      [
        { csp: STRICT, contentSecurityPolicy: "default-src 'self'" },
        /contentSecurityPolicy .* and settings\.csp .* are both set/,
      ],
    ];
    for (const [settings, message] of cases) {
      const error = await appWith(settings).then(
        () => undefined,
        (e: Error & { code?: string }) => e,
      );
      expect(error, JSON.stringify(settings)).to.include({ code: 'CSP_INVALID' });
      expect(error!.message).to.match(message);
    }
  });

  it('refuses a malformed @Csp() when its controller is declared, naming the view', () => {
    const declare = () => {
      class Broken {
        @Get('/x') @Csp({ 'script-scr': [CSP.SELF] }) x() {
          return 'x';
        }
      }
      return Broken;
    };
    expect(declare).to.throw(/@Csp\(\) on Broken\.x has the directive 'script-scr'/);
  });
});
