import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'node/index': 'src/node/index.ts', 'node/matchWorker': 'src/node/matchWorker.ts' },
  // import.meta.url in the CJS build (the parallel matcher locates its worker file with it).
  shims: true,
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  splitting: true,
  tsconfig: '../../tsconfig.build.json',
});
