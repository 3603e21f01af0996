/** The package README's example is the file it names, verbatim, and prints what its comment says. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

describe('node-radio README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const blocks = [
    ...readme.matchAll(/<!-- example:(\S+) -->\n```ts\n([\s\S]*?)```\n<!-- \/example -->/g),
  ];

  it.each(blocks.map((b) => [b[1]!, b[2]!]))(
    'embeds %s verbatim, and it prints what its comment says',
    (file, code) => {
      expect(code).toBe(readFileSync(new URL(file, `file://${REPO}`), 'utf8'));
      const run = spawnSync(process.execPath, ['--import', 'tsx', file], {
        cwd: REPO,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.status).toBe(0);
      const promised = [...code.matchAll(/\/\/ prints: (.*)$/gm)].map((m) => m[1]);
      expect(promised.length).toBeGreaterThan(0);
      expect(run.stdout.trim().split('\n')).toEqual(promised);
    },
  );

  it('has its examples', () =>
    expect(blocks.map((b) => b[1])).toEqual([
      'examples/node-radio-virtual.ts',
      'examples/node-radio-example.ts',
    ]));
});
