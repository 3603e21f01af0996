import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SIM_NODE_FLAGS } from '@proxsense/sim';
import { REPO } from './cli.js';

describe('README', () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');

  it('shows the two-command quick start that .ci/run runs', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
    expect(readFileSync(join(REPO, '.ci/run'), 'utf8')).toMatch(/^npm ci && npm test$/m);
  });

  it('runs the main job (npm start) as the bench measures it: sim run with the engine sizing', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
      scripts: { start: string };
    };
    expect(pkg.scripts.start).toBe(
      `node ${SIM_NODE_FLAGS.join(' ')} packages/cli/bin/proxsense.js sim run`,
    );
  });

  const blocks = [
    ...readme.matchAll(/<!-- example:(\S+) -->\n```ts\n([\s\S]*?)```\n<!-- \/example -->/g),
  ];

  it('has its library examples', () => {
    expect(blocks.map((b) => b[1])).toEqual([
      'examples/readme-example.ts',
      'examples/readme-firmware.ts',
    ]);
  });

  it.each(blocks.map((b) => [b[1]!, b[2]!]))(
    'embeds %s verbatim, and it prints what its comments say',
    (file, code) => {
      expect(code).toBe(readFileSync(join(REPO, file), 'utf8'));
      const run = spawnSync(process.execPath, ['--import', 'tsx', file], {
        cwd: REPO,
        encoding: 'utf8',
      });
      expect(run.status).toBe(0);
      const promised = [...code.matchAll(/\/\/ prints: (.*)$/gm)].map((m) => m[1]);
      expect(promised.length).toBeGreaterThan(0);
      expect(run.stdout.trim().split('\n')).toEqual(promised);
    },
  );
});
