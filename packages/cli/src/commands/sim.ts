/**
 * `proxsense sim run`: a crowd simulation of a built-in or file scenario, with a summary table on stdout
 * (or results.json with --json) and results, contacts, report (and sightings) written to --out.
 * @module
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { SingleBar } from 'cli-progress';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  applyOverrides,
  BUILTIN_SCENARIOS,
  builtinScenarioPath,
  DEFAULT_SCENARIO,
  evaluate,
  fileLogSink,
  isBuiltinScenario,
  loadScenarioFile,
  numericIds,
  rangeContactsFor,
  RangeOnlyRun,
  rangeOnlyResults,
  readAnyTraceFile,
  type PositionTrace,
  type RangeContacts,
  ScenarioSchema,
  Simulation,
  summaryRows,
  writeRunFiles,
  type Scenario,
  type ScenarioOverrides,
} from '@proxsense/sim';
import { CliError } from '../errors.js';
import { choiceOption, integerOption } from '../options.js';
import type { Output } from '../output.js';
import { registerSweepCommand } from './sweep.js';
import { registerWorkerCommand } from './worker.js';

/** The options that override a scenario, shared by `sim run` and `sim sweep` (its fixed base). */
export interface BaseScenarioOptions {
  phones?: number;
  duration?: number;
  adoption?: number;
  profile?: Scenario['profile'];
  area?: [number, number];
}

/** Adds `--phones --duration --adoption --profile --area`; `role` prefixes their help (e.g. "base: "). */
export function addBaseScenarioOptions(command: Command, role = ''): Command {
  return command
    .option(
      '--phones <n>',
      `${role}people (each with a phone; --adoption decides who runs the app)`,
      integerOption(2, 5_000_000),
    )
    .option('--duration <time>', `${role}simulated time: 8h, 90m, 1h30m, or seconds`, parseDuration)
    .option('--adoption <share>', `${role}share of phones running the app, 0..1`, ratioOption)
    .option(
      '--profile <profile>',
      `${role}firmware profile`,
      choiceOption(['gaen', 'bluezone'] as const),
    )
    .option('--area <WxH>', `${role}rwp area in metres, e.g. 1000x1000`, areaOption);
}

/** The scenario overrides the base options ask for. */
export function overridesFrom(o: BaseScenarioOptions): ScenarioOverrides {
  const overrides: ScenarioOverrides = {};
  if (o.phones !== undefined) overrides.phones = o.phones;
  if (o.duration !== undefined) overrides.durationS = o.duration;
  if (o.adoption !== undefined) overrides.adoption = o.adoption;
  if (o.profile !== undefined) overrides.profile = o.profile;
  if (o.area !== undefined) overrides.areaM = o.area;
  return overrides;
}

interface SimRunOptions extends BaseScenarioOptions {
  trace?: string;
  rangeContacts?: number;
  rangeOnly?: boolean;
  seed: number;
  out?: string;
  sightings?: boolean;
  report: boolean;
  json?: boolean;
}

/** "8h", "90m", "1h30m", "45s" or plain seconds → seconds. */
export function parseDuration(value: string): number {
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return checkDuration(Number(text), value);
  const m =
    /^(?:(\d+(?:\.\d+)?)d)?(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(
      text,
    );
  if (!m || text === '')
    throw new InvalidArgumentError(
      `expected a duration such as 8h, 90m, 1h30m or 3600 (seconds), got "${value}"`,
    );
  const s =
    Number(m[1] ?? 0) * 86_400 +
    Number(m[2] ?? 0) * 3600 +
    Number(m[3] ?? 0) * 60 +
    Number(m[4] ?? 0);
  return checkDuration(s, value);
}

function checkDuration(s: number, value: string): number {
  if (!(s >= 1 && s <= 30 * 86_400))
    throw new InvalidArgumentError(`expected a duration from 1 s to 30 days, got "${value}"`);
  return s;
}

export function ratioOption(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1)
    throw new InvalidArgumentError(`expected a number in [0, 1], got "${value}"`);
  return n;
}

/** A link range in metres, above 0 and at most 10 km. */
export function rangeOption(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !(n > 0 && n <= 10_000))
    throw new InvalidArgumentError(
      `expected a range in metres above 0 and at most 10000, got "${value}"`,
    );
  return n;
}

export function areaOption(value: string): [number, number] {
  const m = /^(\d+(?:\.\d+)?)x(\d+(?:\.\d+)?)$/.exec(value.trim());
  if (!m || Number(m[1]) <= 0 || Number(m[2]) <= 0)
    throw new InvalidArgumentError(
      `expected WIDTHxHEIGHT in metres such as 1000x1000, got "${value}"`,
    );
  return [Number(m[1]), Number(m[2])];
}

/** A built-in scenario name or a scenario file, validated, with the command-line overrides applied. */
export async function resolveScenario(
  nameOrFile: string | undefined,
  overrides: ScenarioOverrides,
): Promise<{ scenario: Scenario; source: string }> {
  const name = nameOrFile ?? DEFAULT_SCENARIO;
  let path = name;
  if (isBuiltinScenario(name)) path = builtinScenarioPath(name);
  else if (!/\.(json|ya?ml)$/i.test(name)) {
    let exists: boolean;
    try {
      exists = statSync(name).isFile();
    } catch {
      exists = false;
    }
    if (!exists)
      throw new CliError(
        `unknown scenario "${name}": expected one of ${BUILTIN_SCENARIOS.join(', ')} or a .json/.yaml scenario file`,
      );
  }
  const scenario = await loadScenarioFile(path, ScenarioSchema);
  return { scenario: applyOverrides(scenario, overrides), source: path };
}

/** The range-only link log (ConnectivityONEReport lines) in a run's --out. */
export const RANGE_LOG = 'range-contacts.txt';

/**
 * A tracker whose link log streams into `dir`/range-contacts.txt while the run goes (a partial file
 * until `done()`; `failed()` removes it), named by the trace's node ids when it has them.
 */
function streamedRangeContacts(
  dir: string,
  world: Parameters<typeof rangeContactsFor>[0],
  people: number,
  rangeM: number,
  trace: PositionTrace | undefined,
): { contacts: RangeContacts; done(): void; failed(): void } {
  mkdirSync(dir, { recursive: true });
  const file = fileLogSink(join(dir, RANGE_LOG));
  const ids = trace && numericIds(trace.persons);
  const contacts = rangeContactsFor(world, people, rangeM, {
    log: file.sink,
    ...(ids ? { ids } : {}),
  });
  return {
    contacts,
    done() {
      contacts.flushLog();
      file.close();
    },
    failed: () => file.discard(),
  };
}

function printRangeContacts(
  out: Output,
  title: string,
  s: { rangeM: number; linkUps: number; pairs: number; contactS: number },
): void {
  out.line(title);
  out.line(
    `  links within ${s.rangeM} m: ${s.linkUps} up, ${s.pairs} distinct pairs, ${s.contactS} s of contact`,
  );
}

/**
 * The run's progress bar on stderr (a TTY only): one bar per phase (simulating, evaluating, writing),
 * each left on its own line when the next starts.
 */
class PhaseBar {
  private readonly bar = new SingleBar({
    format: '{phase} [{bar}] {percentage}% | {value}/{total} {unit} | ETA {eta}s',
    stream: process.stderr,
    hideCursor: true,
  });
  private current: string | undefined;

  /** Switches to `name` (a no-op when it is the current phase). */
  phase(name: string, total: number, unit: string): this {
    if (this.current === name) return this;
    if (this.current !== undefined) this.bar.stop();
    this.current = name;
    this.bar.start(total, 0, { phase: name, unit });
    return this;
  }

  update(value: number): void {
    this.bar.update(value);
  }

  stop(): void {
    if (this.current !== undefined) this.bar.stop();
    this.current = undefined;
  }
}

/** Registers `sim run`. */
export function registerSimCommands(program: Command, out: Output): void {
  const sim = program
    .command('sim')
    .description(
      'crowd simulation: virtual phones running the real firmware, with ground truth, metrics and tracing',
    );
  const run = sim
    .command('run')
    .description(
      `simulate a scenario (built-in: ${BUILTIN_SCENARIOS.join(', ')}; default ${DEFAULT_SCENARIO}) or a scenario file, and report detection and tracing against ground truth`,
    )
    .argument('[scenario]', 'built-in scenario name or a .json/.yaml scenario file');
  addBaseScenarioOptions(run)
    .option(
      '--trace <file>',
      "people follow this position trace (CSV t,person,x,y[,venue]; t in s, x and y in m; or The ONE's external movement file; .gz read too) instead of the scenario's world",
    )
    .option(
      '--range-contacts <metres>',
      "also log range-only links as The ONE's ConnectivityONEReport does (up at the first step within range, down at the first step out) to range-contacts.txt, and add rangeContacts to results.json",
      rangeOption,
    )
    .option(
      '--range-only',
      "move people and log range-only links, nothing else: no phones, radios, ground truth or tracing (The ONE's work, for side-by-side runs; range 10 m unless --range-contacts)",
    )
    .option(
      '--seed <n>',
      'random seed: same seed and version give the same bytes',
      integerOption(0, 2 ** 32 - 1),
      1,
    )
    .option(
      '--out <dir>',
      'where results.json, contacts.csv, report.html (and sightings.jsonl) go (default sim-out/<scenario>)',
    )
    .option(
      '--sightings',
      'also write every stored sighting to sightings.jsonl (readable by match and episodes)',
    )
    .option('--no-report', 'skip report.html (and its threshold sweep)')
    .option('--json', 'print results.json on stdout instead of the summary table')
    .addHelpText(
      'after',
      '\nExamples:\n  $ proxsense sim run                                  # the default office, 200 people, 30 % adoption, 8 h\n  $ proxsense sim run bus --adoption 0.5 --profile bluezone --seed 7\n  $ proxsense sim run rwp --phones 1000 --area 1000x1000 --duration 1h --json\n  $ proxsense sim run rwp --phones 1000 --area 316x316 --duration 1h --range-only --range-contacts 10\n  $ proxsense sim run my-venue.yaml --out results/venue --sightings',
    )
    .action(async (nameOrFile: string | undefined, o: SimRunOptions) => {
      if (o.rangeOnly && o.sightings)
        throw new CliError(
          '--sightings: expected a run with phones, got --range-only (no phone runs, so none stores sightings)',
        );
      let { scenario } = await resolveScenario(nameOrFile, overridesFrom(o));
      const trace = o.trace === undefined ? undefined : await readAnyTraceFile(o.trace);
      if (trace) {
        // The trace sets who is there and for how long (unless --duration says otherwise).
        scenario = applyOverrides(scenario, {
          phones: Math.max(2, trace.persons.length),
          ...(o.duration === undefined
            ? { durationS: Math.max(1, Math.ceil(trace.endS - trace.startS)) }
            : {}),
        });
      }
      const bar = out.interactive && !o.json ? new PhaseBar() : undefined;
      bar?.phase('simulating', Math.round(scenario.durationS / 60), 'simulated min');
      const onProgress = (doneS: number) => bar?.update(Math.round(doneS / 60));
      const dir = o.out ?? `sim-out/${scenario.name}`;
      const rangeM = o.rangeContacts ?? (o.rangeOnly ? 10 : undefined);
      let contacts: RangeContacts | undefined;
      const onStep =
        rangeM === undefined
          ? undefined
          : (tS: number, m: { xM: Float64Array; yM: Float64Array; present: Uint8Array }) =>
              contacts!.update(tS, m.xM, m.yM, m.present);
      if (o.rangeOnly) {
        const only = new RangeOnlyRun({
          scenario,
          seed: o.seed,
          ...(trace ? { trace } : {}),
          ...(onStep ? { onStep } : {}),
          onProgress,
        });
        const log = streamedRangeContacts(dir, only.world, only.people, rangeM!, trace);
        contacts = log.contacts;
        try {
          only.run();
          log.done();
        } catch (error) {
          log.failed();
          throw error;
        }
        bar?.stop();
        const results = rangeOnlyResults(scenario, o.seed, only.people, contacts);
        writeFileSync(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
        if (o.json) out.json(results);
        else
          printRangeContacts(
            out,
            `${scenario.name}: seed ${o.seed}, range only`,
            results.rangeContacts,
          );
        out.warn(`wrote ${join(dir, 'results.json')}, ${join(dir, RANGE_LOG)}`);
        return;
      }
      const run = new Simulation({
        scenario,
        seed: o.seed,
        ...(trace ? { trace } : {}),
        ...(onStep ? { onStep } : {}),
        onProgress,
      });
      const log =
        rangeM === undefined
          ? undefined
          : streamedRangeContacts(dir, run.world, run.people, rangeM, trace);
      contacts = log?.contacts;
      try {
        run.run();
        log?.done();
      } catch (error) {
        log?.failed();
        throw error;
      }
      const people = run.people;
      const evaluation = evaluate(run, {
        thresholdSweep: o.report,
        ...(bar && {
          onProgress: (done: number) =>
            done <= people
              ? bar.phase('evaluating: verdicts', people, 'phones').update(done)
              : bar.phase('evaluating: tracing', people, 'phones').update(done - people),
        }),
      });
      if (contacts) evaluation.results.rangeContacts = contacts.summary();
      const files = await writeRunFiles(run, evaluation, dir, {
        sightings: Boolean(o.sightings),
        report: o.report,
        ...(bar && {
          onProgress: (done: number, total: number) =>
            bar.phase('writing', total, 'steps').update(done),
        }),
      });
      bar?.stop();
      if (o.json) {
        out.json(evaluation.results);
      } else {
        const rows = summaryRows(run, evaluation);
        const width = Math.max(...rows.map((r) => r.label.length));
        out.line(`${scenario.name}: seed ${o.seed}`);
        for (const r of rows)
          out.line(`  ${r.label.padEnd(width)}  ${r.value}${r.note ? `   (${r.note})` : ''}`);
        if (contacts) printRangeContacts(out, 'range-only links', contacts.summary());
      }
      out.warn(
        `wrote ${[files.results, files.contacts, files.keys, files.sightings, contacts && join(dir, RANGE_LOG)].filter(Boolean).join(', ')}`,
      );
      if (files.report) {
        if (o.json) out.warn(`report: ${files.report}`);
        else out.line(`report: ${files.report}`);
      }
    });
  registerSweepCommand(sim, out);
  registerWorkerCommand(sim, out);
}
