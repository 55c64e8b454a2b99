import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { projectFiles } from '../../src/cli/commands/project-files';
import { ROOT, linkPackages } from '../fixtures/projects';
import { anchors, codeBlocks, markdownFiles, relativeLinks, type CodeBlock } from './markdown';

/** The tutorial's blocks are files of one project: test/docs/tutorial.spec.ts builds them in order. */
const TUTORIAL = 'docs/tutorial/';

function compiledBlocks(): CodeBlock[] {
  return markdownFiles()
    .filter((doc) => !doc.startsWith(TUTORIAL))
    .flatMap(codeBlocks)
    .filter((block) => block.lang === 'ts' && block.attrs.fragment === undefined);
}

describe('the code in README.md and docs/', function () {
  this.timeout(120_000);

  it('compiles every TypeScript block, as copied, under the strict tsconfig rondo new writes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rondo-docs-'));
    try {
      const tsconfig = JSON.parse(
        projectFiles({ name: 'docs', minimal: false, database: 'sqlite', rondoSpec: 'file:..' })['tsconfig.json'],
      ) as { compilerOptions: Record<string, unknown>; include: string[] };
      tsconfig.include = ['blocks'];
      tsconfig.compilerOptions.types = ['node', 'mocha'];
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
      writeFileSync(join(dir, 'package.json'), '{ "name": "docs", "private": true }\n');
      linkPackages(dir, [
        'rondo',
        'reflect-metadata',
        'class-validator',
        'typeorm',
        'chai',
        '@types/node',
        '@types/mocha',
        '@types/chai',
      ]);
      mkdirSync(join(dir, 'blocks'));
      const files = new Map<string, CodeBlock>();
      for (const block of compiledBlocks()) {
        const name = `${block.doc.replace(/[/.]/g, '_')}_${block.line}.ts`;
        files.set(name, block);
        // A block without imports would be a script sharing one global scope with the others.
        const isModule = /^\s*(import|export)\s/m.test(block.code);
        writeFileSync(join(dir, 'blocks', name), isModule ? block.code : `${block.code}export {};\n`);
      }
      expect(files.size, 'TypeScript blocks found').to.be.greaterThan(15);
      const result = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', '.'], {
        cwd: dir,
        encoding: 'utf8',
      });
      // Each error, named by the Markdown file and line it comes from.
      const errors = (result.stdout + result.stderr).replace(
        /blocks\/([^(]+)\((\d+),(\d+)\)/g,
        (_, name: string, line: string) => {
          const block = files.get(name)!;
          return `${block.doc}:${block.line + Number(line)}`;
        },
      );
      expect(result.status, errors).to.equal(0);

      // A block marked `run` is run, and what it prints must be the ```text output block after it.
      const runs = [...files].filter(([, block]) => block.attrs.run !== undefined);
      expect(runs.length, 'blocks marked run').to.be.greaterThan(0);
      for (const [name, block] of runs) {
        const printed = spawnSync(process.execPath, [join('dist/blocks', name.replace(/\.ts$/, '.js'))], {
          cwd: dir,
          encoding: 'utf8',
          timeout: 30_000,
        });
        const where = `${block.doc}:${block.line}`;
        expect(printed.status, `${where}: ${printed.stderr}`).to.equal(0);
        const blocks = codeBlocks(block.doc);
        const next = blocks[blocks.findIndex((b) => b.line === block.line) + 1];
        expect(
          next?.lang === 'text' && next.attrs.output !== undefined,
          `${where}: a \`\`\`text output block follows`,
        ).to.equal(true);
        expect(printed.stdout, where).to.equal(next.code);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('marks each block that is not a whole file as a fragment, and only those', () => {
    const unlabeled = markdownFiles()
      .flatMap(codeBlocks)
      .filter((block) => block.lang === '')
      .map((block) => `${block.doc}:${block.line}`);
    expect(unlabeled, 'code blocks without a language').to.deep.equal([]);
  });

  it('links only to files and headings that exist in the repository', () => {
    const broken: string[] = [];
    for (const doc of markdownFiles()) {
      for (const { target, line } of relativeLinks(doc)) {
        const [path, anchor] = target.split('#', 2);
        const file = path === '' ? doc : normalize(join(dirname(doc), path));
        if (file.startsWith('..') || !existsSync(join(ROOT, file))) {
          broken.push(`${doc}:${line}: ${target} (no such file in the repository)`);
        } else if (anchor !== undefined && file.endsWith('.md') && !anchors(file).has(anchor)) {
          broken.push(`${doc}:${line}: ${target} (no such heading)`);
        }
      }
    }
    expect(broken).to.deep.equal([]);
  });

  it('never points at a file outside the repository', () => {
    const outside = ['..', 'shared'].join('/');
    const offenders = markdownFiles().filter((doc) => readFileSync(join(ROOT, doc), 'utf8').includes(outside));
    expect(offenders).to.deep.equal([]);
  });
});
