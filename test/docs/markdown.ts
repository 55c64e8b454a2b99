/**
 * The code blocks and links of the repository's Markdown files, for the tests that check
 * them. A fence's info string is the language, then words or key=value attributes:
 * ```ts fragment (a piece of a file, not compiled), ```ts file=src/x.ts (the tutorial's
 * files), ```sh norun (a command the tutorial test does not run), ```text shell (a
 * `rondo shell` session the tutorial test replays).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from '../fixtures/projects';

export interface CodeBlock {
  /** The Markdown file, relative to the repository. */
  doc: string;
  /** The line of the opening fence (1-based). */
  line: number;
  lang: string;
  attrs: Record<string, string | true>;
  code: string;
}

/** The Markdown files users read: the front page, the root documents, docs/ (not the generated API pages) and bench/'s. */
export function markdownFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(ROOT, dir)).flatMap((name) => {
      const path = join(dir, name);
      if (path === 'docs/reference/api') return [];
      return statSync(join(ROOT, path)).isDirectory() ? walk(path) : name.endsWith('.md') ? [path] : [];
    });
  // bench/results/*/ hold generated run reports, kept as they were written.
  return [
    'README.md',
    'CONTRIBUTING.md',
    'CHANGELOG.md',
    'bench/README.md',
    'bench/results/HISTORY.md',
    ...walk('docs'),
  ];
}

export function codeBlocks(doc: string): CodeBlock[] {
  const lines = readFileSync(join(ROOT, doc), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*(.*)$/.exec(lines[i]);
    if (open === null) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    if (end === -1) throw new Error(`${doc}:${i + 1}: a code fence is never closed`);
    const attrs: Record<string, string | true> = {};
    for (const word of open[2].split(/\s+/).filter(Boolean)) {
      const [key, value] = word.split('=', 2);
      attrs[key] = value ?? true;
    }
    blocks.push({ doc, line: i + 1, lang: open[1], attrs, code: lines.slice(i + 1, end).join('\n') + '\n' });
    i = end;
  }
  return blocks;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as dashes. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a Markdown file's headings (outside code blocks). */
export function anchors(doc: string): Set<string> {
  const text = readFileSync(join(ROOT, doc), 'utf8').replace(/^```[\s\S]*?^```/gm, '');
  return new Set([...text.matchAll(/^#+ (.*)$/gm)].map((m) => slug(m[1])));
}

/** Relative links of a Markdown file (outside code blocks): [text](target). */
export function relativeLinks(doc: string): Array<{ target: string; line: number }> {
  const text = readFileSync(join(ROOT, doc), 'utf8').replace(/^```[\s\S]*?^```/gm, (block) =>
    block.replace(/[^\n]/g, ''),
  );
  const links: Array<{ target: string; line: number }> = [];
  for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = match[1];
    if (/^[a-z]+:/i.test(target)) continue;
    links.push({ target, line: text.slice(0, match.index).split('\n').length });
  }
  return links;
}

export function repoPath(path: string): string {
  return relative(ROOT, path);
}
