import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

// STYLE.md: imports flow one way, so src/ has no import cycle (type-only imports count:
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

  it('imports inversify only in di/container-builder.ts and node:http only in server/', () => {
    const users = (name: string) =>
      files.filter((f) => importsOf(f).packages.includes(name)).map((f) => relative(src, f));
    expect(users('inversify')).to.deep.equal([join('di', 'container-builder.ts')]);
    expect(users('node:http').every((f) => f.startsWith('server'))).to.equal(true);
  });
});
