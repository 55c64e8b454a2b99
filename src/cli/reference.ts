/**
 * The CLI reference page (docs/reference/cli.md), written from the commands' own usage and
 * help so that it cannot drift from `rondo <command> --help`: `npm run docs:cli` writes it,
 * and a test compares the file with this output.
 */
import { COMMANDS } from './commands';

export function cliReference(): string {
  const sections = Object.entries(COMMANDS).map(
    ([name, command]) => `## rondo ${name}\n\n\`\`\`text\nrondo ${command.usage}\n\n${command.help}\n\`\`\`\n`,
  );
  return (
    '# CLI reference\n\n' +
    'Every command of `rondo`, as `rondo <command> --help` prints it. Commands that need the\n' +
    "app load it from `--app <module>`, else from package.json's `rondo.app` (`rondo new`\n" +
    'projects set it to `dist/src/app.js`). Exit status: 0 done, 1 a failure (its message\n' +
    'names the problem), 2 a usage error. This page is generated: `npm run docs:cli`.\n\n' +
    sections.join('\n')
  );
}

if (require.main === module) process.stdout.write(cliReference());
