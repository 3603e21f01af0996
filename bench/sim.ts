/**
 * Simulator throughput: the `city` scenario (constant density, full channel model, ground truth on, GAEN)
 * for one simulated hour at several sizes, each in its own child process so memory figures are its own.
 * Prints wall time, simulated phone-hours per second and its ratio to the scale issue's limit (100 k
 * phone-hours in 60 s on one core = 1667 phone-hours/s), adverts delivered per second, sightings stored
 * and peak memory per phone, and the exponent of wall time against phones.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface SimBenchOptions {
  /** One size only (e.g. --phones 100000); default 1 000 and 10 000. */
  phones?: number;
  /** Simulated seconds (default 3600). */
  durationS?: number;
  adoption?: number;
  /** 1: the Bluezone profile. */
  bluezone?: number;
  quiet?: number;
}

/** Phone-hours per second of wall time that the scale issue asks of one core. */
export const LIMIT_PHONE_HOURS_PER_S = 100_000 / 60;

export interface SimBenchPoint {
  phones: number;
  wallS: number;
  phoneHoursPerS: number;
  advertsDeliveredPerS: number;
  advertsSampled: number;
  sightingsStored: number;
  peakRssBytes: number;
  bytesPerPhone: number;
}

export function runSimBench(options: SimBenchOptions = {}): { points: SimBenchPoint[]; exponent: number } {
  const sizes = options.phones ? [options.phones] : [1_000, 10_000];
  const log = options.quiet ? () => {} : (line: string) => console.log(line);
  const worker = fileURLToPath(new URL('./simWorker.ts', import.meta.url));
  const tsx = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));
  const tsconfig = fileURLToPath(new URL('../tsconfig.json', import.meta.url));
  const points: SimBenchPoint[] = [];
  log(`sim: city, ${options.bluezone ? 'bluezone' : 'gaen'}, adoption ${options.adoption ?? 1}, ${(options.durationS ?? 3600) / 3600} h simulated, full channel, ground truth on, one thread`);
  for (const phones of sizes) {
    const r = spawnSync(process.execPath, ['--expose-gc', tsx, '--tsconfig', tsconfig, worker, String(phones), String(options.durationS ?? 3600), String(options.adoption ?? 1), options.bluezone ? 'bluezone' : 'gaen'], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) throw new Error(`sim bench worker failed for ${phones} phones: ${r.stderr}`);
    const p = JSON.parse(r.stdout.trim().split('\n').pop()!) as SimBenchPoint;
    points.push(p);
    log(
      `  ${String(phones).padStart(7)} phones: ${p.wallS.toFixed(1)} s wall, ${p.phoneHoursPerS.toFixed(0)} phone-h/s = ${(p.phoneHoursPerS / LIMIT_PHONE_HOURS_PER_S).toFixed(2)} × limit, ` +
        `${(p.advertsDeliveredPerS / 1e6).toFixed(2)} M adverts delivered/s (${(p.advertsSampled / 1e6).toFixed(1)} M sampled), ${p.sightingsStored} sightings, ` +
        `peak RSS ${(p.peakRssBytes / 2 ** 20).toFixed(0)} MiB = ${(p.bytesPerPhone / 1024).toFixed(1)} KiB/phone`,
    );
  }
  let exponent = NaN;
  if (points.length >= 2) {
    // Least-squares slope of log(wall) on log(phones).
    const xs = points.map((p) => Math.log(p.phones));
    const ys = points.map((p) => Math.log(p.wallS));
    const mx = xs.reduce((a, b) => a + b) / xs.length;
    const my = ys.reduce((a, b) => a + b) / ys.length;
    exponent = xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
    log(`  wall time grows as phones^${exponent.toFixed(2)} (near-linear ≤ 1.1)`);
  }
  return { points, exponent };
}
