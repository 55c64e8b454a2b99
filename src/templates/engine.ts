/**
 * TemplateEngine: EJS templates of one app. Names resolve through the TemplateLoader;
 * compiled functions are cached (re-read on change when `debug` is on). EJS options are
 * fixed here at start-up, never taken from a render's data; the data a template sees is
 * copied into fresh locals without EJS's internal names (escapeFn, __append, include...),
 * so request data can neither change options nor switch escaping off.
 *
 * Layouts: a page calls `<% layout('base.ejs') %>`, sets blocks with
 * `<% block('title', 'Posts') %>`, and the layout prints the page with
 * `<%= block('content') %>` and a block with `<%= block('title') || 'Default' %>`. `<%= partial('posts/row.ejs', { post
 * }) %>`
 * renders a partial with its own extra context.
 */
import { readFileSync, statSync } from 'node:fs';
import ejs from 'ejs';
import { RondoError } from '../errors/rondo-error';
import { escapeCsv, escapeHtml, safe, SafeString } from './safe-string';
import { TemplateLoader } from './template-loader';

/**
 * A template failed to compile or render; says which template and line. The message is one
 * line; EJS's source excerpt (the lines around the failure, the failing one marked `>>`)
 * is kept apart in `excerpt`, so pages and logs show it once, formatted.
 */
export class TemplateError extends RondoError {
  /** The lines around the failure as EJS numbers them, or undefined (a compile error has none). */
  readonly excerpt: string | undefined;
  /** What went wrong, without the location (the cause's own message). */
  readonly reason: string;
  /** The one-line message, kept to undo an enclosing template's rewrite of `message`. */
  readonly summary: string;

  constructor(
    readonly templateName: string,
    readonly line: number | undefined,
    cause: unknown,
  ) {
    const parsed = splitEjsMessage(cause instanceof Error ? cause.message : String(cause));
    const summary = `Error in template '${templateName}'${line ? ` at line ${line}` : ''}: ${parsed.reason}`;
    super('TEMPLATE_ERROR', summary);
    this.summary = summary;
    this.reason = parsed.reason;
    this.excerpt = parsed.excerpt;
    if (cause instanceof Error && cause.stack)
      this.stack = `${this.name}: ${this.message}\n${stackFrames(cause.stack)}`;
  }
}

/** EJS writes `file:line\n<excerpt>\n\n<reason>` into a runtime error's message. */
function splitEjsMessage(message: string): { reason: string; excerpt: string | undefined } {
  const match = /^[^\n]*:\d+\n([\s\S]*?)\n\n([\s\S]*)$/.exec(message);
  return match ? { excerpt: match[1], reason: match[2] } : { excerpt: undefined, reason: message };
}

/** The `at ...` lines of a stack, without its (possibly multi-line) message. */
function stackFrames(stack: string): string {
  return stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .join('\n');
}

type Kind = 'html' | 'xml' | 'csv' | 'text';

interface Compiled {
  fn: (data: Record<string, unknown>) => string;
  mtimeMs: number;
  kind: Kind;
}

/** Names EJS uses inside compiled functions; a context key with one of them is dropped. */
const RESERVED = new Set([
  'escapeFn',
  'include',
  'rethrow',
  'locals',
  '__append',
  '__output',
  '__line',
  '__lines',
  '__filename',
  'layout',
  'block',
  'partial',
  'safe',
]);
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const CONTENT_TYPES: Record<Kind, string> = {
  html: 'text/html; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  text: 'text/plain; charset=utf-8',
};

export function kindOf(name: string): Kind {
  const base = name.replace(/\.ejs$/, '');
  if (base.endsWith('.xml')) return 'xml';
  if (base.endsWith('.csv')) return 'csv';
  if (base.endsWith('.txt')) return 'text';
  return 'html';
}

export interface EngineOptions {
  dirs: readonly string[];
  /** Cache compiled templates (no re-read on change). */
  cache: boolean;
}

interface RenderState {
  layout: string | undefined;
  blocks: Map<string, SafeString>;
}

export class TemplateEngine {
  /** @internal */
  readonly loader: TemplateLoader;
  private readonly cache = new Map<string, Compiled>();

  constructor(private readonly options: EngineOptions) {
    this.loader = new TemplateLoader(options.dirs);
  }

  /** The Content-Type a template renders as (by its name: .xml, .csv, .txt, else HTML). */
  contentTypeOf(name: string): string {
    return CONTENT_TYPES[kindOf(name)];
  }

  /** Renders `name` (and its layouts) with `context`. */
  render(name: string, context: Record<string, unknown>): string {
    const locals = cleanLocals(context);
    const state: RenderState = { layout: undefined, blocks: new Map() };
    let output = this.renderOne(name, locals, state);
    const seen = new Set([name]);
    while (state.layout !== undefined) {
      const parent = state.layout;
      if (seen.has(parent))
        throw new RondoError(
          'TEMPLATE_LAYOUT_CYCLE',
          `Template '${name}' has a layout cycle: ${[...seen, parent].join(' → ')}; break the chain of layouts`,
        );
      seen.add(parent);
      state.layout = undefined;
      state.blocks.set('content', new SafeString(output));
      output = this.renderOne(parent, locals, state);
    }
    return output;
  }

  private renderOne(name: string, locals: Record<string, unknown>, state: RenderState): string {
    const compiled = this.compiled(name);
    const escape = compiled.kind === 'csv' ? escapeCsv : escapeHtml;
    const helpers = {
      layout: (parent: string) => {
        state.layout = parent;
        return '';
      },
      block: (block: string, value?: unknown) => {
        if (value === undefined) return state.blocks.get(block) ?? '';
        if (!state.blocks.has(block)) state.blocks.set(block, new SafeString(escape(value)));
        return '';
      },
      partial: (partial: string, extra: Record<string, unknown> = {}) =>
        new SafeString(
          this.renderOne(partial, { ...locals, ...cleanLocals(extra) }, { layout: undefined, blocks: state.blocks }),
        ),
      safe,
    };
    try {
      return compiled.fn({ ...locals, ...helpers });
    } catch (error) {
      // A partial's TemplateError passes through the enclosing template's EJS catch, which
      // prefixes its own excerpt to the message: the innermost location is the one to report.
      if (error instanceof TemplateError) error.message = error.summary;
      if (error instanceof RondoError) throw error;
      throw new TemplateError(name, lineOf(error), error);
    }
  }

  private compiled(name: string): Compiled {
    const cached = this.cache.get(name);
    if (cached !== undefined && this.options.cache) return cached;
    const path = this.loader.resolve(name);
    const mtimeMs = statSync(path).mtimeMs;
    if (cached !== undefined && cached.mtimeMs === mtimeMs) return cached;
    const kind = kindOf(name);
    let fn: Compiled['fn'];
    try {
      fn = ejs.compile(readFileSync(path, 'utf8'), {
        filename: path,
        escape: kind === 'csv' ? escapeCsv : escapeHtml,
        client: false,
        async: false,
        strict: false,
        rmWhitespace: false,
        compileDebug: true,
        // `include` resolves through our loader (same name rules), relative to the template folders.
        includer: (included: string) => ({ filename: this.loader.resolve(included) }),
      } as ejs.Options) as unknown as Compiled['fn'];
    } catch (error) {
      throw new TemplateError(name, lineOf(error), error);
    }
    const entry = { fn, mtimeMs, kind };
    this.cache.set(name, entry);
    return entry;
  }
}

/** A copy of `context` without EJS's internal names or non-identifier keys (`__proto__`...). */
function cleanLocals(context: Record<string, unknown>): Record<string, unknown> {
  const locals: Record<string, unknown> = {};
  for (const key of Object.keys(context)) {
    if (IDENTIFIER.test(key) && !RESERVED.has(key) && key !== '__proto__') locals[key] = context[key];
  }
  return locals;
}

function lineOf(error: unknown): number | undefined {
  const match = /:(\d+)\n/.exec(error instanceof Error ? error.message : '');
  return match ? Number(match[1]) : undefined;
}
