/**
 * Parses Django path syntax (`/posts/<int:id>/<slug:s>`) once at start-up into what the
 * radix router needs (a pattern with positional params and no regexes) and what Rondo
 * checks after the match (each param's converter) and `reverse` builds from.
 */
import { ImproperlyConfigured } from '../errors/rondo-error';
import { converterNames, getConverter, type PathConverter } from './converters';

export interface ParamPart {
  name: string;
  converterName: string;
  converter: PathConverter;
  /** Anchored regex the (decoded) segment must match. */
  test: RegExp;
  /** The name find-my-way gives the segment (p0, p1... or * for the wildcard), made once. */
  routerKey: string;
}

export interface ParsedPattern {
  /** The pattern as declared. */
  source: string;
  /** Static text and params in order. */
  parts: Array<string | ParamPart>;
  params: ParamPart[];
  /** find-my-way pattern: params named p0, p1...; a trailing `<path:>` is the wildcard. */
  routerPath: string;
  /** Same shape ⇔ same routerPath; with the converter names this identifies a route. */
  signature: string;
}

const PARAM = /<(?:([a-zA-Z_]\w*):)?([a-zA-Z_]\w*)>/g;

/**
 * @param source the full declared path (controller prefix + method path)
 * @param where e.g. `PostController.detail`, for error messages
 */
export function parsePattern(source: string, where: string): ParsedPattern {
  if (!source.startsWith('/')) {
    throw new ImproperlyConfigured(
      'ROUTE_PATH_INVALID',
      `Route ${JSON.stringify(source)} on ${where} must start with '/'`,
    );
  }
  const parts: Array<string | ParamPart> = [];
  const params: ParamPart[] = [];
  let routerPath = '';
  let last = 0;
  for (const match of source.matchAll(PARAM)) {
    const staticText = source.slice(last, match.index);
    checkStatic(staticText, source, where);
    if (staticText !== '') parts.push(staticText);
    else if (params.length > 0 && last === match.index) {
      throw new ImproperlyConfigured(
        'ROUTE_PATH_INVALID',
        `Route ${source} on ${where} has two parameters with nothing between them; separate them with a literal such as '-' or '/'`,
      );
    }
    routerPath += escapeStatic(staticText);
    const converterName = match[1] ?? 'str';
    const part = makeParam(
      converterName,
      match[2],
      converterName === 'path' ? '*' : `p${params.length}`,
      source,
      where,
    );
    if (params.some((p) => p.name === part.name)) {
      throw new ImproperlyConfigured(
        'ROUTE_PATH_INVALID',
        `Route ${source} on ${where} uses the parameter name '${part.name}' twice`,
      );
    }
    last = match.index + match[0].length;
    const isWildcard = part.converterName === 'path';
    if (isWildcard && last !== source.length) {
      throw new ImproperlyConfigured(
        'ROUTE_PATH_INVALID',
        `Route ${source} on ${where}: <path:${part.name}> must be the last part of the route`,
      );
    }
    routerPath += isWildcard ? '*' : `:${part.routerKey}`;
    parts.push(part);
    params.push(part);
  }
  const tail = source.slice(last);
  checkStatic(tail, source, where);
  if (tail !== '') parts.push(tail);
  routerPath += escapeStatic(tail);
  const signature = `${routerPath} ${params.map((p) => p.converterName).join(',')}`;
  return { source, parts, params, routerPath, signature };
}

function makeParam(converterName: string, name: string, routerKey: string, source: string, where: string): ParamPart {
  const converter = getConverter(converterName);
  if (converter === undefined) {
    throw new ImproperlyConfigured(
      'ROUTE_UNKNOWN_CONVERTER',
      `Route ${source} on ${where} uses the unknown converter '${converterName}'. ` +
        `Known: ${converterNames().join(', ')}; register others with registerConverter('${converterName}', { regex, toValue, toUrl })`,
    );
  }
  return { name, converterName, converter, test: new RegExp(`^(?:${converter.regex})$`), routerKey };
}

function checkStatic(text: string, source: string, where: string): void {
  if (/[<>*]/.test(text)) {
    throw new ImproperlyConfigured(
      'ROUTE_PATH_INVALID',
      `Route ${source} on ${where} has a malformed part ${JSON.stringify(text)}: parameters are written <converter:name>, e.g. <int:id>, and '*' is not allowed`,
    );
  }
}

/** find-my-way treats ':' as a parameter; '::' is a literal colon. */
function escapeStatic(text: string): string {
  return text.replaceAll(':', '::');
}
