/**
 * proxsense against The ONE on The ONE's own scenario (`npm run bench -- one`): 1,000 random-waypoint
 * walkers for one simulated hour in 316 × 316 m and in 100 × 100 m, 1 s updates, links within 10 m logged
 * as ConnectivityONEReport does, (a) with every walker running the app (GAEN profile, every advert's RSSI
 * sampled, ground truth on) and (b) range-only. Each point runs in its own process; the time printed is
 * engine time (inside the process, around the engine and the log, which streams to a file while the run
 * goes; process and module start excluded), with CPU time beside it because a loaded machine stretches
 * wall time, and the phases it splits into (mobility, links, log).
 *
 * The ratios are against The ONE's figures measured in another run (Java, one thread, grid cells tuned
 * to the range, link log on, a 2-core VM: 316 × 316 m in 4.2 s, 100 × 100 m in 23–25 s, 17 s with no
 * reports). With a JDK on the PATH and THE_ONE_DIR pointing at a built The ONE checkout (`compile.sh`
 * run: classes in `target/`, jars in `lib/`), The ONE itself runs the same scenario in this run and the
 * ratio printed is the measured one ("Simulation done in X s": its engine time, JVM start excluded).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBenchWorker } from './benchWorker.js';

export interface OneBenchOptions {
  /** Walkers (default 1000). */
  phones?: number;
  /** Simulated seconds (default 3600). */
  durationS?: number;
  /** Link range, m (default 10). */
  rangeM?: number;
  /** Only this area side, m (default both 316 and 100). */
  side?: number;
  /** 1: skip the runs with radios (range-only only). */
  rangeOnly?: number;
  quiet?: number;
}

/** The ONE's engine time on each area, from another run (see the module comment), seconds [low, high]. */
export const THE_ONE_REFERENCE_S: Record<number, [number, number]> = {
  316: [4.2, 4.2],
  100: [23, 25],
};
/** What the issue asks: at least this many times The ONE's speed. */
export const TARGET_RATIO = { radios: 10, rangeOnly: 20 } as const;

export interface OnePoint {
  sideM: number;
  mode: 'radios' | 'range-only';
  wallS: number;
  cpuS: number;
  /** Phases of wallS: finding links and events; sorting, formatting and writing the log; the rest
   * (moving people, and with radios all the phones and the air do). */
  linksS: number;
  logS: number;
  restS: number;
  linkUps: number;
  pairs: number;
  contactS: number;
  logLines: number;
  advertsSampled: number;
  /** The ONE's engine time this ratio is against, s, and where it came from. */
  theOneS: [number, number];
  theOneSource: 'reference' | 'measured';
  /** The ONE's time ÷ ours (wall), low and high. */
  ratio: [number, number];
  /** The ONE's time ÷ our CPU time: what the ratio would be on an idle core. */
  cpuRatio: [number, number];
}

/** The ONE settings for the same scenario (RandomWaypoint, SimpleBroadcastInterface, link log only). */
export function theOneSettings(o: {
  phones: number;
  sideM: number;
  durationS: number;
  rangeM: number;
  reportDir: string;
}): string {
  return [
    `Scenario.name = proxsense-rwp-${o.sideM}`,
    'Scenario.simulateConnections = true',
    'Scenario.updateInterval = 1',
    `Scenario.endTime = ${o.durationS}`,
    'Scenario.nrofHostGroups = 1',
    'radio.type = SimpleBroadcastInterface',
    'radio.transmitSpeed = 250k',
    `radio.transmitRange = ${o.rangeM}`,
    'Group.groupID = n',
    `Group.nrofHosts = ${o.phones}`,
    'Group.movementModel = RandomWaypoint',
    'Group.speed = 0.5, 1.5',
    'Group.waitTime = 0, 120',
    'Group.router = PassiveRouter',
    'Group.bufferSize = 5M',
    'Group.nrofInterfaces = 1',
    'Group.interface1 = radio',
    'Events.nrof = 0',
    'MovementModel.rngSeed = 1',
    `MovementModel.worldSize = ${o.sideM}, ${o.sideM}`,
    'MovementModel.warmup = 0',
    'Report.nrofReports = 1',
    'Report.warmup = 0',
    `Report.reportDir = ${o.reportDir}`,
    'Report.report1 = ConnectivityONEReport',
    // Cells of the range itself (the smallest multiplier): "grid cells tuned to the range".
    'Optimization.cellSizeMult = 1',
    'Optimization.randomizeUpdateOrder = true',
    '',
  ].join('\n');
}

/** Runs The ONE on the scenario when THE_ONE_DIR and a JDK are there; its engine time in s, else undefined. */
export function runTheOne(
  o: { phones: number; sideM: number; durationS: number; rangeM: number },
  log: (line: string) => void,
): number | undefined {
  const home = process.env.THE_ONE_DIR;
  if (!home) return undefined;
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.status !== 0) {
    log('  THE_ONE_DIR is set but no java on the PATH: using the reference figures');
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'proxsense-the-one-'));
  try {
    const settings = join(dir, 'settings.txt');
    writeFileSync(settings, theOneSettings({ ...o, reportDir: `${dir}/` }));
    const r = spawnSync(
      'java',
      ['-Xmx4G', '-cp', `target${pathSep()}lib/*`, 'core.DTNSim', '-b', '1', settings],
      { cwd: home, encoding: 'utf8', maxBuffer: 1 << 26 },
    );
    const m = /Simulation done in ([\d.]+)s/.exec(r.stdout ?? '');
    if (r.status !== 0 || !m) {
      log(
        `  The ONE in ${home} did not run (exit ${r.status}): ${(r.stderr || r.stdout || '').trim().split('\n').slice(-2).join(' ')}; using the reference figures`,
      );
      return undefined;
    }
    return Number(m[1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function pathSep(): string {
  return process.platform === 'win32' ? ';' : ':';
}

export function runOneBench(options: OneBenchOptions = {}): OnePoint[] {
  const phones = options.phones ?? 1000;
  const durationS = options.durationS ?? 3600;
  const rangeM = options.rangeM ?? 10;
  const sides = options.side ? [options.side] : [316, 100];
  const log = options.quiet ? () => {} : (line: string) => console.log(line);
  const worker = fileURLToPath(new URL('./oneWorker.ts', import.meta.url));
  const points: OnePoint[] = [];
  log(
    `one: rwp as The ONE's RandomWaypoint, ${phones} walkers, ${durationS / 3600} h, 1 s updates, links within ${rangeM} m logged (ConnectivityONEReport lines), one thread`,
  );
  log(
    '  engine time: inside the process, around the engine and the log write (process start excluded on both sides); the machine may be loaded, so CPU time is shown too',
  );
  for (const sideM of sides) {
    const measured = runTheOne({ phones, sideM, durationS, rangeM }, log);
    const reference = THE_ONE_REFERENCE_S[sideM];
    const theOneS: [number, number] | undefined =
      measured !== undefined
        ? [measured, measured]
        : reference && phones === 1000 && durationS === 3600 && rangeM === 10
          ? reference
          : undefined;
    const source = measured !== undefined ? 'measured' : 'reference';
    if (measured !== undefined)
      log(`  ${sideM}×${sideM} m: The ONE measured in this run: ${measured.toFixed(2)} s`);
    for (const mode of options.rangeOnly
      ? (['range-only'] as const)
      : (['radios', 'range-only'] as const)) {
      const r = runBenchWorker(worker, [
        String(phones),
        String(sideM),
        String(durationS),
        mode === 'radios' ? 'radios' : 'range',
        String(rangeM),
      ]);
      if (r.status !== 0)
        throw new Error(`one bench worker failed (${sideM} m, ${mode}): ${r.stderr}`);
      const p = JSON.parse(r.stdout.trim().split('\n').pop()!) as Omit<
        OnePoint,
        'sideM' | 'mode' | 'theOneS' | 'theOneSource' | 'ratio' | 'cpuRatio'
      >;
      const ratio: [number, number] = theOneS
        ? [theOneS[0] / p.wallS, theOneS[1] / p.wallS]
        : [NaN, NaN];
      const cpuRatio: [number, number] = theOneS
        ? [theOneS[0] / p.cpuS, theOneS[1] / p.cpuS]
        : [NaN, NaN];
      const point: OnePoint = {
        sideM,
        mode,
        ...p,
        theOneS: theOneS ?? [NaN, NaN],
        theOneSource: source,
        ratio,
        cpuRatio,
      };
      points.push(point);
      const target = mode === 'radios' ? TARGET_RATIO.radios : TARGET_RATIO.rangeOnly;
      const what =
        mode === 'radios' ? 'app on every walker, GAEN, every advert sampled' : 'range-only';
      const against = !theOneS
        ? 'no The ONE figure for this size (reference figures are for 1000 walkers, 1 h, 10 m)'
        : `${fmtRange(ratio)} × The ONE by wall time, ${fmtRange(cpuRatio)} × by CPU time (The ONE ${fmtRange(theOneS)} s, ${source === 'measured' ? 'measured in this run' : 'reference figure from another run'}; target ≥ ${target} ×)`;
      log(
        `  ${String(sideM).padStart(3)}×${sideM} m, ${what.padEnd(47)}: ${p.wallS.toFixed(2)} s engine (${p.cpuS.toFixed(2)} s CPU), ` +
          `${p.linkUps} link ups, ${p.pairs} pairs, ${p.logLines} log lines${p.advertsSampled ? `, ${(p.advertsSampled / 1e6).toFixed(1)} M adverts sampled` : ''} = ${against}`,
      );
      log(
        `      where the time goes: ${mode === 'radios' ? 'mobility, phones and air' : 'mobility'} ${fmtShare(p.restS, p.wallS)}, links ${fmtShare(p.linksS, p.wallS)}, log sort + format + write ${fmtShare(p.logS, p.wallS)}`,
      );
    }
  }
  return points;
}

function fmtShare(partS: number, wallS: number): string {
  return `${partS.toFixed(2)} s (${((100 * partS) / wallS).toFixed(0)} %)`;
}

function fmtRange([lo, hi]: [number, number]): string {
  const fmt = (x: number) => x.toFixed(x >= 10 ? 1 : 2);
  return lo === hi ? fmt(lo) : `${fmt(lo)}–${fmt(hi)}`;
}
