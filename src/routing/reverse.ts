/**
 * The standalone `reverse(name, params)` of the public API. It asks the route tables of
 * the apps alive in this process; with one app (the usual case) that is simply its table.
 * `app.reverse` and `request.reverse`-style helpers need no lookup at all.
 */
import { NoReverseMatch } from '../errors/rondo-error';

/** What `reverse` needs of an app's route table. */
export interface ReverseTable {
  reverse(name: string, params?: Record<string, unknown>): string;
  hasName(name: string): boolean;
}

// Weak references: an app that is dropped without close() does not stay alive here.
const tables = new Set<WeakRef<ReverseTable>>();

/** Called by createApp; `app.close()` calls the returned function. */
export function registerReverseTable(table: ReverseTable): () => void {
  const ref = new WeakRef(table);
  tables.add(ref);
  return () => tables.delete(ref);
}

/**
 * Builds the URL of a named route: `reverse('posts:detail', { id: 3 })` → `/posts/3`.
 * Throws NoReverseMatch when the name is unknown or the params do not fit.
 */
export function reverse(name: string, params?: Record<string, unknown>): string {
  const live: ReverseTable[] = [];
  for (const ref of tables) {
    const table = ref.deref();
    if (table === undefined) tables.delete(ref);
    else live.push(table);
  }
  const knowing = live.filter((table) => table.hasName(name));
  if (knowing.length === 0) {
    if (live.length > 0) return live[live.length - 1].reverse(name, params);
    throw new NoReverseMatch(
      `Reverse for '${name}': no app is running in this process; create one with createApp first`,
    );
  }
  const urls = new Set(knowing.map((table) => table.reverse(name, params)));
  if (urls.size > 1) {
    throw new NoReverseMatch(
      `Reverse for '${name}' is ambiguous: ${knowing.length} apps in this process define it differently (${[...urls].join(', ')}). Use app.reverse() instead`,
    );
  }
  return urls.values().next().value as string;
}
