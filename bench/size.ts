/**
 * Bundle size of three real uses of `@proxsense/core`, bundled for the browser as an app developer's
 * bundler would (esbuild, minified, from the built package through its `exports` map): derive + match,
 * the advert codec alone, and reading (and verifying) a key export. Each figure is printed as a ratio
 * to its limit: 15 KB gzipped for derive + match (the budget), 2 KB for the advert codec (byte
 * layouts only: it must never pull crypto or parsers) and 30 KB for reading and verifying a key export
 * (fflate, the @bufbuild/protobuf wire layer and @noble/curves together; a protobuf reflection runtime
 * such as protobufjs alone would double it). Run `npm run build` first: the bench measures
 * `packages/core/dist`.
 */
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const KB = 1024;

/** One use of the library: app code and the gzipped size it must stay under. */
export interface SizeUse {
  name: string;
  /** Gzipped limit, bytes. */
  gzipLimitBytes: number;
  /** Why the limit is what it is. */
  limitNote: string;
  code: string;
}

export const SIZE_USES: readonly SizeUse[] = [
  {
    name: 'derive + match',
    gzipLimitBytes: 15 * KB,
    limitNote: 'the issue budget for an app that derives RPIs and matches published keys',
    code: `
      import { bytesToHex, hexToBytes } from '@proxsense/core/bytes';
      import { pureCryptoProvider as crypto } from '@proxsense/core/crypto';
      import { rollingProximityIdentifierKey, rollingProximityIdentifiers } from '@proxsense/core/ids';
      import { matchDiagnosisKeys } from '@proxsense/core/matching';
      const key = { scheme: 'gaen', keyData: hexToBytes('75c734c6dd1a782de7a965da5eb93125'),
        rollingStartIntervalNumber: 2642976, rollingPeriod: 144 };
      const rpi = rollingProximityIdentifiers(crypto, rollingProximityIdentifierKey(crypto, key.keyData), 2642979, 1);
      const seen = [{ scheme: 'gaen', id: rpi, rssiDbm: -62, timeMs: 2642979 * 600000 }];
      for (const m of matchDiagnosisKeys([key], seen, { crypto })) console.log(bytesToHex(m.id), m.interval);
    `,
  },
  {
    name: 'advert codec alone',
    gzipLimitBytes: 2 * KB,
    limitNote:
      'a scanner that only parses and builds advertisement payloads: byte layouts, no crypto',
    code: `
      import { decodeAdvert, encodeGaenAdvert } from '@proxsense/core/advert';
      const payload = encodeGaenAdvert(new Uint8Array(16), new Uint8Array(4));
      console.log(decodeAdvert(payload));
    `,
  },
  {
    name: 'read a key export',
    gzipLimitBytes: 30 * KB,
    limitNote:
      'zip (fflate), protobuf wire format (@bufbuild/protobuf) and ECDSA P-256 (@noble/curves) to read and verify',
    code: `
      import { readDiagnosisKeyFile, verifyExportSignature } from '@proxsense/core/keyfiles';
      export function read(bytes, publicKeyPem) {
        const file = readDiagnosisKeyFile(bytes, 'export.zip');
        const verified = file.exportBin !== undefined &&
          verifyExportSignature({ exportBin: file.exportBin, signatures: file.signatures ?? [] }, publicKeyPem);
        return { keys: file.keys.length, verified };
      }
    `,
  },
];

/** What bundling one use measured. */
export interface SizeResult {
  name: string;
  minifiedBytes: number;
  gzipBytes: number;
  gzipLimitBytes: number;
  /** gzipBytes / gzipLimitBytes: under 1 is within the limit. */
  ratioToLimit: number;
  /** Packages (node_modules names) that ended up in the bundle. */
  packages: string[];
}

/** Bundles `code` (resolved from the repository root, so through core's `exports`) for the browser. */
export async function bundleForBrowser(
  code: string,
  options: { minify?: boolean } = {},
): Promise<{ text: string; metafile: Metafile }> {
  const result = await build({
    stdin: { contents: code, resolveDir: REPO, loader: 'ts', sourcefile: 'app.ts' },
    bundle: true,
    minify: options.minify ?? true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return { text: result.outputFiles[0]!.text, metafile: result.metafile };
}

/** Names of the node_modules packages whose code is in a bundle (not counting workspace links). */
export function bundledPackages(metafile: Metafile): string[] {
  const names = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (m && bytesInOutput > 0 && !m[1]!.startsWith('@proxsense/')) names.add(m[1]!);
    }
  }
  return [...names].sort();
}

export async function measureUse(use: SizeUse): Promise<SizeResult> {
  const { text, metafile } = await bundleForBrowser(use.code);
  const minifiedBytes = Buffer.byteLength(text);
  const gzipBytes = gzipSync(text, { level: 9 }).length;
  return {
    name: use.name,
    minifiedBytes,
    gzipBytes,
    gzipLimitBytes: use.gzipLimitBytes,
    ratioToLimit: gzipBytes / use.gzipLimitBytes,
    packages: bundledPackages(metafile),
  };
}

export async function runSizeBench(options: { quiet?: number } = {}): Promise<SizeResult[]> {
  const results: SizeResult[] = [];
  for (const use of SIZE_USES) {
    const r = await measureUse(use);
    results.push(r);
    if (!options.quiet) {
      console.log(
        `${r.name}: ${(r.minifiedBytes / KB).toFixed(1)} KB minified, ${(r.gzipBytes / KB).toFixed(1)} KB gzipped = ` +
          `${r.ratioToLimit.toFixed(2)} × the ${(r.gzipLimitBytes / KB).toFixed(0)} KB gzip limit (${use.limitNote}); ` +
          `packages: ${r.packages.join(', ') || 'none'}`,
      );
    }
  }
  return results;
}
