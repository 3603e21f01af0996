import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';

const CORE = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(CORE, 'package.json'), 'utf8')) as {
  exports: Record<string, unknown>;
  files: string[];
};
const subpaths = Object.keys(pkg.exports)
  .filter((k) => k !== '.' && k !== './package.json')
  .map((k) => k.slice(2));

/** The source file behind a subpath (errors is a single file; every other subpath is a concept folder). */
const sourceOf = (subpath: string) =>
  join(CORE, 'src', subpath === 'errors' ? 'errors.ts' : `${subpath}/index.ts`);

/**
 * Bundles `contents` from core's source. `forceSideEffects` makes esbuild keep every core module it
 * reaches (ignoring `"sideEffects": false`), so what survives minification is exactly the code that
 * runs at import time; third-party packages stay external then.
 */
async function bundleSource(
  contents: string,
  options: { forceSideEffects: boolean; platform: 'browser' | 'node' },
) {
  const keepCore: Plugin = {
    name: 'keep-core-modules',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === 'inner') return undefined;
        if (!args.path.startsWith('.') && !args.path.startsWith('/'))
          return { path: args.path, external: true, sideEffects: false };
        const resolved = await b.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          pluginData: 'inner',
        });
        return { path: resolved.path, sideEffects: true };
      });
    },
  };
  return build({
    stdin: { contents, resolveDir: CORE, loader: 'ts' },
    bundle: true,
    write: false,
    metafile: true,
    minify: true,
    format: 'esm',
    platform: options.platform,
    logLevel: 'silent',
    plugins: options.forceSideEffects ? [keepCore] : [],
  });
}

describe('@proxsense/core subpath entry points', () => {
  it('lists every concept folder with ESM and CJS builds and their types', () => {
    const folders = [
      'advert',
      'bytes',
      'crypto',
      'episodes',
      'firmware',
      'ids',
      'keyfiles',
      'matching',
      'node',
      'ports',
      'proximity',
      'risk',
      'sightings',
    ];
    expect(subpaths.sort()).toEqual([...folders, 'errors'].sort());
    for (const s of subpaths) {
      expect(existsSync(sourceOf(s)), s).toBe(true);
      expect(pkg.exports[`./${s}`]).toEqual({
        import: { types: `./dist/${s}/index.d.ts`, default: `./dist/${s}/index.js` },
        require: { types: `./dist/${s}/index.d.cts`, default: `./dist/${s}/index.cjs` },
      });
    }
    expect(pkg.files).toContain('README.md');
    expect(existsSync(join(CORE, 'README.md'))).toBe(true);
  });

  it.each(subpaths)(
    '%s runs no code at import time (nothing survives a side-effect-only import)',
    async (subpath) => {
      const result = await bundleSource(`import ${JSON.stringify(sourceOf(subpath))};`, {
        forceSideEffects: true,
        platform: subpath === 'node' ? 'node' : 'browser',
      });
      const kept = Object.entries(Object.values(result.metafile.outputs)[0]!.inputs)
        .filter(([, input]) => input.bytesInOutput > 0)
        .map(([file, input]) => `${file.replace(/^.*src\//, '')} (${input.bytesInOutput} bytes)`);
      expect(kept).toEqual([]);
    },
  );

  it.each(subpaths)(
    '%s reaches protobuf code only from keyfiles and papaparse only from the CSV readers',
    async (subpath) => {
      const result = await bundleSource(`export * from ${JSON.stringify(sourceOf(subpath))};`, {
        forceSideEffects: false,
        platform: subpath === 'node' ? 'node' : 'browser',
      });
      const reached = Object.keys(result.metafile.inputs);
      const fromPackage = (name: string) =>
        reached.some((f) => f.includes(`node_modules/${name}/`));
      expect(fromPackage('@bufbuild/protobuf'), '@bufbuild/protobuf').toBe(subpath === 'keyfiles');
      expect(fromPackage('protobufjs'), 'protobufjs').toBe(false);
      expect(fromPackage('papaparse'), 'papaparse').toBe(subpath === 'proximity');
      // Only core's own CSV module imports papaparse: calibration tables and labelled rows read through it.
      const importers = Object.entries(result.metafile.inputs).filter(([, input]) =>
        input.imports.some((i) => i.path.includes('node_modules/papaparse/')),
      );
      expect(importers.map(([file]) => file.replace(/^.*src\//, ''))).toEqual(
        subpath === 'proximity' ? ['proximity/csv.ts'] : [],
      );
    },
  );
});
