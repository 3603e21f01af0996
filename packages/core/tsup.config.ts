import { defineConfig } from 'tsup';

/**
 * One entry per concept (`@proxsense/core/<concept>`, listed in package.json `exports`), so an app
 * pulls only what it imports; shared code lands in chunks (splitting). The root entry re-exports all.
 */
export const CONCEPTS = [
  'advert',
  'bytes',
  'crypto',
  'episodes',
  'firmware',
  'ids',
  'keyfiles',
  'matching',
  'ports',
  'proximity',
  'risk',
  'sightings',
];

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    ...Object.fromEntries(CONCEPTS.map((c) => [`${c}/index`, `src/${c}/index.ts`])),
    'errors/index': 'src/errors.ts',
    'node/index': 'src/node/index.ts',
    'node/matchWorker': 'src/node/matchWorker.ts',
  },
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
