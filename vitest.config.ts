import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against source; the CLI end-to-end tests run the built bin like a user would.
    alias: [
      { find: /^@proxsense\/core\/errors$/, replacement: src('./packages/core/src/errors.ts') },
      // Every other subpath entry is its concept folder's index (see packages/core/package.json exports).
      {
        find: /^@proxsense\/core\/([a-z]+)$/,
        replacement: `${src('./packages/core/src/')}$1/index.ts`,
      },
      { find: /^@proxsense\/core$/, replacement: src('./packages/core/src/index.ts') },
      { find: /^@proxsense\/sim$/, replacement: src('./packages/sim/src/index.ts') },
      { find: /^@proxsense\/node-radio$/, replacement: src('./packages/node-radio/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'bench/test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // Vitest leaves a core free by default, which is one worker on a 2-core box; most of this suite's time
    // is spent waiting on the processes, servers and browsers the tests start, so every core runs a file.
    maxWorkers: Math.max(2, availableParallelism()),
    reporters: ['default', './vitest.summary-reporter.ts'],
  },
});
