/**
 * Simulator throughput: the `city` scenario (constant density, full channel model, ground truth on,
 * every advert's RSSI sampled, the real core firmware in every phone) for one simulated hour at several
 * sizes, each size and profile in its own child process so memory figures are its own. Prints, per
 * point, wall and CPU time, simulated phone-hours per second and its ratio to the scale issue's limit
 * (100 k phone-hours in 60 s on one core = 1667 phone-hours/s), adverts sampled per second, sightings
 * stored, peak RSS and what it leaves per phone once 16 bytes per stored sighting are set aside (the
 * issue's limit: 2 KB); then the exponent of wall and CPU time against phones, and with `--both 1` the
 * Bluezone profile beside GAEN at every size with its cost ratio.
 */
import { fileURLToPath } from 'node:url';
import { SIM_NODE_FLAGS } from '@proxsense/sim';
import { runBenchWorker } from './benchWorker.js';

export interface SimBenchOptions {
  /** One size only (e.g. --phones 100000). */
  phones?: number;
  /** 1: the issue's series, 10 k / 30 k / 100 k phones (`--max-phones 300000` adds 300 k). */
  series?: number;
  maxPhones?: number;
  /** Simulated seconds (default 3600). */
  durationS?: number;
  adoption?: number;
  /** 1: the Bluezone profile only. */
  bluezone?: number;
  /** 1: GAEN and Bluezone at every size, and their ratio. */
  both?: number;
  quiet?: number;
}

/** Phone-hours per second of wall time that the scale issue asks of one core. */
export const LIMIT_PHONE_HOURS_PER_S = 100_000 / 60;
/** The issue's memory limits: per phone of state, and per stored sighting. */
export const LIMIT_STATE_BYTES_PER_PHONE = 2048;
export const LIMIT_BYTES_PER_SIGHTING = 16;

export interface SimBenchPoint {
  phones: number;
  profile: 'gaen' | 'bluezone';
  wallS: number;
  /** User + system CPU seconds of the run (the machine may be shared: CPU time is the steadier figure). */
  cpuS: number;
  phoneHoursPerS: number;
  advertsSampled: number;
  advertsSampledPerS: number;
  advertsDeliveredPerS: number;
  sightingsStored: number;
  truthPairs: number;
  peakRssBytes: number;
  bytesPerPhone: number;
  /** Peak RSS growth per phone after 16 B per stored sighting. */
  stateBytesPerPhone: number;
  /** The worker's node flags, and whether it could collect garbage before its baseline reading. */
  nodeFlags: string[];
  gcBeforeBaseline: boolean;
}

/** Least-squares slope of log(y) on log(x). */
export function growthExponent(xs: number[], ys: number[]): number {
  const lx = xs.map(Math.log);
  const ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b) / lx.length;
  const my = ly.reduce((a, b) => a + b) / ly.length;
  return (
    lx.reduce((a, x, i) => a + (x - mx) * (ly[i]! - my), 0) /
    lx.reduce((a, x) => a + (x - mx) ** 2, 0)
  );
}

export function runSimBench(options: SimBenchOptions = {}): {
  points: SimBenchPoint[];
  exponent: number;
  cpuExponent: number;
  bluezoneRatio?: number;
} {
  const sizes = options.phones
    ? [options.phones]
    : options.series
      ? [10_000, 30_000, 100_000, 300_000].filter((n) => n <= (options.maxPhones ?? 100_000))
      : [1_000, 3_000, 10_000];
  const profiles: ('gaen' | 'bluezone')[] = options.both
    ? ['gaen', 'bluezone']
    : [options.bluezone ? 'bluezone' : 'gaen'];
  const durationS = options.durationS ?? 3600;
  const log = options.quiet ? () => {} : (line: string) => console.log(line);
  const worker = fileURLToPath(new URL('./simWorker.ts', import.meta.url));
  const points: SimBenchPoint[] = [];
  log(
    `sim: city, ${profiles.join(' + ')}, adoption ${options.adoption ?? 1}, ${durationS / 3600} h simulated, full channel, ground truth on, one thread (node ${SIM_NODE_FLAGS.join(' ')}, as the CLI runs)`,
  );
  for (const phones of sizes) {
    for (const profile of profiles) {
      const r = runBenchWorker(
        worker,
        [String(phones), String(durationS), String(options.adoption ?? 1), profile],
        ['--expose-gc'],
      );
      if (r.status !== 0)
        throw new Error(`sim bench worker failed for ${phones} phones (${profile}): ${r.stderr}`);
      const p = JSON.parse(r.stdout.trim().split('\n').pop()!) as SimBenchPoint;
      points.push(p);
      log(
        `  ${String(phones).padStart(7)} phones ${profile.padEnd(8)}: ${p.wallS.toFixed(1)} s wall, ${p.cpuS.toFixed(1)} s CPU, ${p.phoneHoursPerS.toFixed(0)} phone-h/s = ${(p.phoneHoursPerS / LIMIT_PHONE_HOURS_PER_S).toFixed(2)} × limit, ` +
          `${(p.advertsSampledPerS / 1e6).toFixed(2)} M adverts sampled/s (${(p.advertsSampled / 1e6).toFixed(1)} M), ${p.sightingsStored} sightings, ${p.truthPairs} truth pairs, ` +
          `peak RSS ${(p.peakRssBytes / 2 ** 20).toFixed(0)} MiB = ${(p.bytesPerPhone / 1024).toFixed(1)} KiB/phone, ${(p.stateBytesPerPhone / 1024).toFixed(2)} KiB/phone besides ${LIMIT_BYTES_PER_SIGHTING} B/sighting ` +
          `= ${(p.stateBytesPerPhone / LIMIT_STATE_BYTES_PER_PHONE).toFixed(2)} × the 2 KB limit`,
      );
    }
  }
  const gaen = points.filter((p) => p.profile === profiles[0]);
  let exponent = NaN;
  let cpuExponent = NaN;
  if (gaen.length >= 2) {
    exponent = growthExponent(
      gaen.map((p) => p.phones),
      gaen.map((p) => p.wallS),
    );
    cpuExponent = growthExponent(
      gaen.map((p) => p.phones),
      gaen.map((p) => p.cpuS),
    );
    log(
      `  ${profiles[0]}: wall time grows as phones^${exponent.toFixed(2)}, CPU time as phones^${cpuExponent.toFixed(2)} (the issue's target: ≤ 1.1 for wall time, ${exponent <= 1.1 ? 'met' : 'missed'})`,
    );
  }
  let bluezoneRatio: number | undefined;
  if (options.both) {
    const ratios = sizes.map((n) => {
      const g = points.find((p) => p.phones === n && p.profile === 'gaen')!;
      const b = points.find((p) => p.phones === n && p.profile === 'bluezone')!;
      return b.cpuS / g.cpuS;
    });
    bluezoneRatio = ratios[ratios.length - 1];
    log(
      `  bluezone / gaen CPU time: ${ratios.map((r, i) => `${sizes[i]}: ${r.toFixed(2)}`).join(', ')}`,
    );
    const blue = points.filter((p) => p.profile === 'bluezone');
    if (blue.length >= 2)
      log(
        `  bluezone: wall time grows as phones^${growthExponent(
          blue.map((p) => p.phones),
          blue.map((p) => p.wallS),
        ).toFixed(2)}, CPU time as phones^${growthExponent(
          blue.map((p) => p.phones),
          blue.map((p) => p.cpuS),
        ).toFixed(2)}`,
      );
  }
  return {
    points,
    exponent,
    cpuExponent,
    ...(bluezoneRatio !== undefined ? { bluezoneRatio } : {}),
  };
}
