import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

// CONTRIBUTING.md: imports flow one way, so src/ has no import cycle (type-only imports count:
// they couple the modules as much for a reader), inversify is imported in one module
// under di/ and node:http in one under server/.
const src = join(__dirname, '..', '..', '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): { local: string[]; packages: string[] } {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]);
  const local = specifiers
    .filter((s) => s.startsWith('.'))
    .map((s) => {
      const base = join(dirname(file), s);
      return existsSync(`${base}.ts`) ? `${base}.ts` : join(base, 'index.ts');
    });
  return { local, packages: specifiers.filter((s) => !s.startsWith('.')) };
}

/** The local modules a file imports for values (not `import type`, nor `{ type A, type B }` alone). */
function valueImportsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const statements = [...text.matchAll(/^(import|export)\s(type\s)?([^;]*?)from\s+'(\.[^']+)'/gm)];
  return statements
    .filter(([, , typeOnly, clause]) => {
      if (typeOnly !== undefined) return false;
      const named = /\{([^}]*)\}/.exec(clause)?.[1];
      const rest = clause.replace(/\{[^}]*\}/, '').replace(/[\s,]/g, '');
      const allTypes =
        named !== undefined && named.split(',').every((n) => n.trim() === '' || n.trim().startsWith('type '));
      return !(rest === '' && allTypes);
    })
    .map(([, , , , specifier]) => {
      const base = join(dirname(file), specifier);
      return existsSync(`${base}.ts`) ? `${base}.ts` : join(base, 'index.ts');
    });
}

/** Tarjan's strongly connected components with more than one module: the cycles. */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (stack.includes(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        component.push(relative(src, member));
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('the import graph of src/', () => {
  const files = sources(src);

  it('has no cycle', () => {
    const graph = new Map(files.map((file) => [file, importsOf(file).local]));
    expect(cycles(graph)).to.deep.equal([]);
  });

  it('has no cycle between folders through value imports (the layers of CONTRIBUTING.md)', () => {
    // A type-only import couples no code at run time; a folder that needs only another's types may sit below it.
    const folderOf = (file: string) => {
      const path = relative(src, file);
      return path.includes('/') ? path.split('/')[0] : '(root)';
    };
    const graph = new Map<string, string[]>();
    for (const file of files) {
      const from = folderOf(file);
      const targets = valueImportsOf(file)
        .map(folderOf)
        .filter((to) => to !== from);
      graph.set(from, [...new Set([...(graph.get(from) ?? []), ...targets])]);
    }
    const folderCycles = cycles(
      new Map([...graph].map(([folder, to]) => [join(src, folder), to.map((t) => join(src, t))])),
    );
    expect(folderCycles).to.deep.equal([]);
  });

  it('imports inversify only in di/container-builder.ts and node:http only in server/', () => {
    const users = (name: string) =>
      files.filter((f) => importsOf(f).packages.includes(name)).map((f) => relative(src, f));
    expect(users('inversify')).to.deep.equal([join('di', 'container-builder.ts')]);
    expect(users('node:http').every((f) => f.startsWith('server'))).to.equal(true);
  });
});
