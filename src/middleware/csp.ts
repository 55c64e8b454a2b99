/**
 * Content-Security-Policy as Django 6 has it: a policy written as directives
 * (`settings.csp`, `settings.cspReportOnly`), a per-request nonce for the page's own
 * scripts and styles (`CSP.NONCE` in a directive, `<%= cspNonce %>` in a template), and
 * per-view overrides (`@Csp(...)`, `@CspReportOnly(...)`, `null` for none). Policies are
 * checked and compiled at start-up; a response pays one string join, and only when the
 * page used its nonce. SecurityMiddleware sends the headers.
 */
import { ImproperlyConfigured } from '../errors/rondo-error';
import { ViewOption } from '../views/view-options';

/** Source keywords, and NONCE: replaced by this request's `'nonce-…'` when the page used it, else dropped. */
export const CSP = Object.freeze({
  SELF: "'self'",
  NONE: "'none'",
  NONCE: '<csp-nonce>',
  STRICT_DYNAMIC: "'strict-dynamic'",
  UNSAFE_INLINE: "'unsafe-inline'",
  UNSAFE_EVAL: "'unsafe-eval'",
  UNSAFE_HASHES: "'unsafe-hashes'",
  WASM_UNSAFE_EVAL: "'wasm-unsafe-eval'",
  REPORT_SAMPLE: "'report-sample'",
});

/**
 * A policy: directive name → sources (`true` for a directive without any, such as
 * `upgrade-insecure-requests`).
 *
 * @example { 'default-src': [CSP.SELF], 'script-src': [CSP.SELF, CSP.NONCE], 'object-src': [CSP.NONE] }
 */
export type CspPolicy = Readonly<Record<string, readonly string[] | true>>;

const DIRECTIVES = new Set([
  'default-src',
  'script-src',
  'script-src-elem',
  'script-src-attr',
  'style-src',
  'style-src-elem',
  'style-src-attr',
  'img-src',
  'font-src',
  'connect-src',
  'media-src',
  'object-src',
  'frame-src',
  'child-src',
  'worker-src',
  'manifest-src',
  'fenced-frame-src',
  'base-uri',
  'form-action',
  'frame-ancestors',
  'sandbox',
  'report-uri',
  'report-to',
  'upgrade-insecure-requests',
  'require-trusted-types-for',
  'trusted-types',
  'webrtc',
]);

/** A policy ready to send: the header text around each place the nonce goes. */
export class CompiledCsp {
  constructor(
    /** The header with NONCE dropped: a page that used no nonce. */
    private readonly withoutNonce: string,
    /** The header split at NONCE: parts joined by `'nonce-…'`. */
    private readonly parts: readonly string[],
  ) {}

  /** The header value for a response whose page used `nonce` (or none). */
  value(nonce: string | undefined): string {
    return nonce === undefined || this.parts.length === 1 ? this.withoutNonce : this.parts.join(`'nonce-${nonce}'`);
  }
}

/** Checks and compiles a policy; `where` names the setting or view in the error. */
export function compileCsp(policy: CspPolicy, where: string): CompiledCsp {
  if (typeof policy !== 'object' || policy === null || Array.isArray(policy)) {
    throw new ImproperlyConfigured(
      'CSP_INVALID',
      `${where} must be an object of directives, e.g. { 'default-src': [CSP.SELF] }, or null; got ${JSON.stringify(policy)}`,
    );
  }
  const directives = Object.entries(policy).map(([name, sources]) => directive(name, sources, where));
  const render = (keepNonce: boolean) =>
    directives
      .map(([name, sources]) => [name, ...sources.filter((s) => keepNonce || s !== CSP.NONCE)].join(' '))
      .join('; ');
  return new CompiledCsp(render(false), render(true).split(CSP.NONCE));
}

function directive(name: string, sources: unknown, where: string): [string, string[]] {
  if (!DIRECTIVES.has(name)) {
    throw new ImproperlyConfigured(
      'CSP_INVALID',
      `${where} has the directive '${name}', which is not a CSP directive; use the header's names (${[...DIRECTIVES].slice(0, 4).join(', ')}, ...)`,
    );
  }
  if (sources === true) return [name, []];
  if (
    !Array.isArray(sources) ||
    sources.some((s) => typeof s !== 'string' || s === '' || /[;,\s]/.test(s.replace(CSP.NONCE, '')))
  ) {
    throw new ImproperlyConfigured(
      'CSP_INVALID',
      `${where}['${name}'] must be a list of sources without spaces, commas or semicolons (e.g. [CSP.SELF, 'https://cdn.example.com']), or true; got ${JSON.stringify(sources)}`,
    );
  }
  return [name, sources as string[]];
}

/**
 * A view option holding the compiled policy: a mistake in it fails when the controller's
 * module is imported (at start-up), naming the decorator and the view.
 */
function cspOption(key: 'csp' | 'cspReportOnly', policy: CspPolicy | null): ClassDecorator & MethodDecorator {
  return (target: object, propertyKey?: string | symbol) => {
    const owner =
      propertyKey === undefined
        ? (target as { name?: string }).name
        : `${(target as { constructor: { name: string } }).constructor.name}.${String(propertyKey)}`;
    const decorator = key === 'csp' ? '@Csp' : '@CspReportOnly';
    ViewOption(key, policy === null ? null : compileCsp(policy, `${decorator}() on ${owner}`))(
      target as never,
      propertyKey as never,
      undefined as never,
    );
  };
}

/**
 * This view's (or every view of this controller's) Content-Security-Policy instead of
 * settings.csp; `null` sends none.
 *
 * @example @Get('/embed') @Csp({ 'frame-ancestors': ['https://partner.example'] }) embed() {}
 */
export const Csp = (policy: CspPolicy | null): ClassDecorator & MethodDecorator => cspOption('csp', policy);

/** This view's report-only policy instead of settings.cspReportOnly; `null` sends none. */
export const CspReportOnly = (policy: CspPolicy | null): ClassDecorator & MethodDecorator =>
  cspOption('cspReportOnly', policy);
