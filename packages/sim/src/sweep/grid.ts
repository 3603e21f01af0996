/**
 * Sweep grids: `--vary` axes parsed and checked against the scenario, their cartesian product, and each
 * point applied to the base scenario (validated by the scenario schema, so a bad value fails before any
 * run starts).
 * @module
 */
import { InputError } from '@proxsense/core';
import { mixSeed } from '../random/streams.js';
import { ScenarioSchema, type Scenario } from '../scenario/schema.js';
import type { AxisValue, RunJob, VaryAxis } from './types.js';

/** Command-line names for the options `sim run` has, mapped to their scenario paths. */
export const AXIS_ALIASES: Record<string, string> = {
  adoption: 'people.adoption',
  phones: 'people.count',
  iosShare: 'people.iosShare',
  duration: 'durationS',
};

const MAX_AXIS_VALUES = 10_000;

function parseValue(text: string): AxisValue {
  const t = text.trim();
  return t !== '' && /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t) ? Number(t) : t;
}

/**
 * Parses `path=v1,v2,…` or `path=from:to:step` (inclusive; `to` is kept when the steps land on it within
 * rounding). Values that look like numbers are numbers.
 */
export function parseVary(text: string): VaryAxis {
  const eq = text.indexOf('=');
  const name = eq > 0 ? text.slice(0, eq).trim() : '';
  const spec = eq > 0 ? text.slice(eq + 1).trim() : '';
  if (!name || !spec || !/^[A-Za-z$][\w$]*(\.[A-Za-z$][\w$]*)*$/.test(name)) {
    throw new InputError(
      '--vary',
      'path=v1,v2,… or path=from:to:step (e.g. adoption=0.1:0.9:0.1, profile=gaen,bluezone)',
      JSON.stringify(text),
    );
  }
  const path = AXIS_ALIASES[name] ?? name;
  let values: AxisValue[];
  const range = /^([^:,]+):([^:,]+):([^:,]+)$/.exec(spec);
  if (range) {
    const [from, to, step] = range.slice(1).map<AxisValue>((x) => parseValue(x));
    if (
      typeof from !== 'number' ||
      typeof to !== 'number' ||
      typeof step !== 'number' ||
      !(step > 0) ||
      to < from
    ) {
      throw new InputError(
        `--vary ${name}`,
        'from:to:step with numbers, step > 0 and to ≥ from',
        JSON.stringify(spec),
      );
    }
    const count = Math.floor((to - from) / step + 1e-9) + 1;
    if (count > MAX_AXIS_VALUES)
      throw new InputError(`--vary ${name}`, `at most ${MAX_AXIS_VALUES} values`, `${count}`);
    // Values as the decimal a person would write (0.30000000000000004 → 0.3).
    values = Array.from({ length: count }, (_, i) => Number((from + i * step).toPrecision(12)));
  } else {
    values = spec.split(',').map(parseValue);
    if (values.some((v) => v === ''))
      throw new InputError(
        `--vary ${name}`,
        'a comma-separated list without empty values',
        JSON.stringify(spec),
      );
  }
  if (new Set(values.map(String)).size !== values.length)
    throw new InputError(`--vary ${name}`, 'distinct values', JSON.stringify(spec));
  return { name, path, values };
}

/** Every combination of axis values; the first axis varies slowest. */
export function expandGrid(axes: readonly VaryAxis[]): Record<string, AxisValue>[] {
  let points: Record<string, AxisValue>[] = [{}];
  for (const axis of axes)
    points = points.flatMap((p) => axis.values.map((v) => ({ ...p, [axis.name]: v })));
  return points;
}

/** The base scenario with one grid point's values set, validated. */
export function applyPoint(
  base: Scenario,
  axes: readonly VaryAxis[],
  params: Record<string, AxisValue>,
): Scenario {
  const next = structuredClone(base) as unknown as Record<string, unknown>;
  for (const axis of axes) {
    const keys = axis.path.split('.');
    let at = next;
    for (const key of keys.slice(0, -1)) {
      const child = at[key];
      if (typeof child !== 'object' || child === null || Array.isArray(child))
        throw new InputError(
          `--vary ${axis.name}`,
          `a path into the scenario (${keys.slice(0, keys.indexOf(key) + 1).join('.')} is not a section of it)`,
          axis.path,
        );
      at = child as Record<string, unknown>;
    }
    at[keys[keys.length - 1]!] = params[axis.name];
  }
  const parsed = ScenarioSchema.safeParse(next);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const axis = axes.find(
      (a) => issue.path.join('.') === a.path || issue.path.join('.').startsWith(`${a.path}.`),
    );
    const field = axis ? `--vary ${axis.name}=${params[axis.name]}` : issue.path.join('.');
    throw new InputError(
      field,
      issue.message.replace(/^Invalid input: /, ''),
      JSON.stringify(axis ? params[axis.name] : params),
    );
  }
  return parsed.data;
}

/** The seed of run `run` at grid point `point` of a sweep seeded with `seed`. */
export function runSeed(seed: number, point: number, run: number): number {
  return mixSeed(mixSeed(seed, point + 1), run + 1);
}

/** All jobs of a sweep: grid points × runs, each with its own seed and validated scenario. */
export function sweepJobs(
  base: Scenario,
  axes: readonly VaryAxis[],
  runs: number,
  seed: number,
): RunJob[] {
  const names = new Set<string>();
  for (const a of axes) {
    if (names.has(a.path))
      throw new InputError(
        `--vary ${a.name}`,
        'each path varied once',
        'a second --vary of the same path',
      );
    names.add(a.path);
  }
  const jobs: RunJob[] = [];
  expandGrid(axes).forEach((params, point) => {
    const scenario = applyPoint(base, axes, params);
    for (let run = 0; run < runs; run++)
      jobs.push({
        runId: `p${point}-r${run}`,
        point,
        run,
        seed: runSeed(seed, point, run),
        params,
        scenario,
      });
  });
  return jobs;
}
