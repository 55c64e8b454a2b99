/**
 * Task arguments and results are stored as JSON and read back by another process: a value
 * that would not come back the same (a Date, a class instance, undefined in an array, NaN)
 * is refused when it is queued, with where it is, instead of surprising the task later.
 */

/** Undefined when `value` round-trips through JSON unchanged; else what and where the first problem is. */
export function checkJson(value: unknown, path: string, depth = 0): string | undefined {
  if (depth > 64) return `${path} is nested more than 64 levels deep`;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number')
    return Number.isFinite(value) ? undefined : `${path} is ${value}, which JSON cannot hold`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = checkJson(value[i], `${path}[${i}]`, depth + 1);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as object | null;
    if (value instanceof Date) return `${path} is a Date: pass date.toISOString() and parse it in the task`;
    if (proto !== Object.prototype && proto !== null)
      return `${path} is a ${value.constructor?.name ?? 'class instance'}: pass its plain data (ids, strings, numbers) instead`;
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue; // dropped by JSON, as an absent optional property
      const problem = checkJson(item, `${path}.${key}`, depth + 1);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  return `${path} is ${value === undefined ? 'undefined' : `a ${typeof value}`}, which JSON cannot hold`;
}
