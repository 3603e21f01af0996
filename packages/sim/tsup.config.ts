import { defineConfig } from 'tsup';

export default defineConfig({
  // The sweep pool's worker is its own entry: piscina loads it by file name next to index.js / index.cjs.
  entry: { index: 'src/index.ts', sweepWorker: 'src/sweep/poolWorker.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  shims: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  tsconfig: '../../tsconfig.build.json',
});
