/**
 * RouteTable: `add` at start-up, `match` per request. A find-my-way radix tree finds the
 * path's shape in time independent of the number of routes; Rondo then checks converters
 * in declaration order (Django's first-match semantics) and picks the method.
 */
import FindMyWay from 'find-my-way';
import { ImproperlyConfigured, NoReverseMatch } from '../errors/rondo-error';
import { parsePattern, type ParamPart, type ParsedPattern } from './path-pattern';

/** A route as added: its full path, methods, full name and compiled handler. */
export interface RouteDefinition<H> {
  path: string;
  methods: readonly string[];
  /** `namespace:name` or plain name. */
  name: string | undefined;
  handler: H;
  /** `PostController.detail`, for messages. */
  source: string;
}

export interface RouteEntry<H> extends RouteDefinition<H> {
  pattern: ParsedPattern;
}

/** Outcome of `match`: a route, a known path with other methods, or nothing. */
export type MatchResult<H> =
  | { kind: 'route'; route: RouteEntry<H>; params: Record<string, unknown> }
  | { kind: 'method'; allowed: readonly string[] }
  | { kind: 'none' };

interface Candidate<H> {
  pattern: ParsedPattern;
  byMethod: Map<string, RouteEntry<H>>;
  /** Allow header value: declared methods plus HEAD (with GET) and OPTIONS. */
  allowed: string[];
}

interface Shape<H> {
  candidates: Candidate<H>[];
}

const NONE = { kind: 'none' } as const;

export class RouteTable<H> {
  private readonly router = FindMyWay({ maxParamLength: 500, caseSensitive: true, ignoreTrailingSlash: false });
  private readonly shapes = new Map<string, Shape<H>>();
  private readonly names = new Map<string, RouteEntry<H>>();
  private readonly entries: RouteEntry<H>[] = [];

  /** Adds a route; a duplicate path+method or name throws ImproperlyConfigured naming both. */
  add(definition: RouteDefinition<H>): void {
    const pattern = parsePattern(definition.path, definition.source);
    const entry: RouteEntry<H> = { ...definition, pattern };
    this.checkName(entry);
    const candidate = this.candidateFor(pattern);
    for (const method of definition.methods) {
      const clash = candidate.byMethod.get(method);
      if (clash !== undefined) {
        throw new ImproperlyConfigured(
          'ROUTE_DUPLICATE',
          `${method} ${definition.path} is declared twice: by ${clash.source} (${clash.path}) and by ${definition.source}. ` +
            'Remove one, or give them different paths or methods',
        );
      }
      candidate.byMethod.set(method, entry);
    }
    candidate.allowed = allowedMethods(candidate.byMethod);
    if (entry.name !== undefined) this.names.set(entry.name, entry);
    this.entries.push(entry);
  }

  /** Finds the route for a method and a raw (still percent-encoded) path. */
  match(method: string, rawPath: string): MatchResult<H> {
    const found = this.router.find('GET', rawPath);
    if (found === null) return NONE;
    const shape = found.store as Shape<H>;
    const raw = found.params as Record<string, string | undefined>;
    for (const candidate of shape.candidates) {
      const params = convertParams(candidate.pattern.params, raw);
      if (params === undefined) continue;
      const route = candidate.byMethod.get(method) ?? (method === 'HEAD' ? candidate.byMethod.get('GET') : undefined);
      if (route !== undefined) return { kind: 'route', route, params };
      return { kind: 'method', allowed: candidate.allowed };
    }
    return NONE;
  }

  /** Builds the URL of a named route. Throws NoReverseMatch naming what does not fit. */
  reverse(name: string, params: Record<string, unknown> = {}): string {
    const entry = this.names.get(name);
    if (entry === undefined) throw new NoReverseMatch(unknownName(name, [...this.names.keys()]));
    return buildUrl(entry, params);
  }

  hasName(name: string): boolean {
    return this.names.has(name);
  }

  /** Every route in the order added (for `rondo routes` and the debug 404 page). */
  list(): ReadonlyArray<RouteEntry<H>> {
    return this.entries;
  }

  private checkName(entry: RouteEntry<H>): void {
    if (entry.name === undefined) return;
    const clash = this.names.get(entry.name);
    if (clash !== undefined) {
      throw new ImproperlyConfigured(
        'ROUTE_NAME_DUPLICATE',
        `The route name '${entry.name}' is used twice: by ${clash.source} (${clash.path}) and by ${entry.source} (${entry.path}). Route names must be unique; rename one`,
      );
    }
  }

  private candidateFor(pattern: ParsedPattern): Candidate<H> {
    let shape = this.shapes.get(pattern.routerPath);
    if (shape === undefined) {
      shape = { candidates: [] };
      this.shapes.set(pattern.routerPath, shape);
      this.router.on('GET', pattern.routerPath, () => undefined, shape);
    }
    let candidate = shape.candidates.find((c) => c.pattern.signature === pattern.signature);
    if (candidate === undefined) {
      candidate = { pattern, byMethod: new Map(), allowed: [] };
      shape.candidates.push(candidate);
    }
    return candidate;
  }
}

function allowedMethods(byMethod: Map<string, unknown>): string[] {
  const methods = new Set(byMethod.keys());
  if (methods.has('GET')) methods.add('HEAD');
  methods.add('OPTIONS');
  return [...methods];
}

/** Router params (already percent-decoded once by find-my-way) → typed values, or undefined. */
function convertParams(
  parts: ParamPart[],
  raw: Record<string, string | undefined>,
): Record<string, unknown> | undefined {
  const params: Record<string, unknown> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const text = raw[part.routerKey];
    if (text === undefined || !part.test.test(text)) return undefined;
    try {
      params[part.name] = part.converter.toValue(text);
    } catch {
      return undefined;
    }
  }
  return params;
}

function buildUrl(entry: RouteEntry<unknown>, params: Record<string, unknown>): string {
  const expected = entry.pattern.params.map((p) => p.name);
  const extra = Object.keys(params).filter((key) => !expected.includes(key));
  const missing = expected.filter((key) => params[key] === undefined);
  if (missing.length > 0 || extra.length > 0) {
    throw new NoReverseMatch(
      `Reverse for '${entry.name}' (${entry.path}) needs the params {${expected.join(', ')}}` +
        (missing.length ? `; missing: ${missing.join(', ')}` : '') +
        (extra.length ? `; unexpected: ${extra.join(', ')}` : ''),
    );
  }
  let url = '';
  for (const part of entry.pattern.parts) {
    if (typeof part === 'string') {
      url += encodeURI(part);
      continue;
    }
    const text = part.converter.toUrl(params[part.name]);
    if (!part.test.test(text)) {
      throw new NoReverseMatch(
        `Reverse for '${entry.name}' (${entry.path}): ${part.name}=${JSON.stringify(text)} does not match <${part.converterName}:${part.name}>`,
      );
    }
    url += part.converterName === 'path' ? text.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(text);
  }
  return url;
}

function unknownName(name: string, known: string[]): string {
  const namespace = name.includes(':') ? name.slice(0, name.lastIndexOf(':') + 1) : '';
  const near = known.filter((k) => (namespace && k.startsWith(namespace)) || k.endsWith(name.slice(namespace.length)));
  const hint =
    near.length > 0
      ? ` Did you mean: ${near.slice(0, 5).join(', ')}?`
      : known.length > 0
        ? ` Known names: ${known.slice(0, 10).join(', ')}`
        : ' No route has a name.';
  return `Reverse for '${name}' not found: no route has that name.${hint}`;
}
