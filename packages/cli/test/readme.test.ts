import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './cli.js';

describe('README', () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');

  it('shows the two-command quick start that .ci/run runs', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
    expect(readFileSync(join(REPO, '.ci/run'), 'utf8')).toMatch(/^npm ci && npm test$/m);
  });

  it('embeds the library example verbatim, and the example prints what its comments say', () => {
    const block = /<!-- example:(\S+) -->\n```ts\n([\s\S]*?)```\n<!-- \/example -->/.exec(readme);
    expect(block).not.toBeNull();
    const [, file, code] = block!;
    expect(code).toBe(readFileSync(join(REPO, file!), 'utf8'));
    const run = spawnSync(process.execPath, ['--import', 'tsx', file!], { cwd: REPO, encoding: 'utf8' });
    expect(run.status).toBe(0);
    const promised = [...code!.matchAll(/\/\/ (dfc3\S+|exposure at .*)$/gm)].map((m) => m[1]);
    expect(run.stdout.trim().split('\n')).toEqual(promised);
  });
});
