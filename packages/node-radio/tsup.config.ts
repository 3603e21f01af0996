import { defineConfig } from 'tsup';

export default defineConfig({
  // The preload is its own entry: `node --require @proxsense/node-radio/preload` loads it by file name.
  entry: { index: 'src/index.ts', preload: 'src/preload.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts' } },
  shims: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  tsconfig: '../../tsconfig.build.json',
  external: ['@abandonware/noble', '@abandonware/bleno', '@abandonware/bluetooth-hci-socket'],
});
