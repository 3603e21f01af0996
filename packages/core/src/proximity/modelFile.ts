/**
 * The path-loss model file (`calibrate fit --out` writes it, `estimate --model` reads it).
 *
 * Version 1 (no `version` field): `{"a0Db": 50, "pathLossExponent": 2.5, "sigmaDb": 8, "fit"?: {...}}`.
 * Version 2 adds `"format": "proxsense-path-loss", "version": 2` and the context-aware parts:
 * `contexts` ({column: {spreadDb, values: {value: {offsetDb, sigmaDb, series, rows}}}}),
 * `withinSeriesSigmaDb`, `betweenSeriesSigmaDb`, `filter` ({kind, windowS?, quantile?}),
 * `filteredSigmaDb` ({filter name: [σ by ⌊log2 readings⌋]}), `distancePrior` ({distancesM, weights,
 * bandwidthLog10}),
 * `closeCalibration` ({closeM, byFilter: {name: {slope, intercept}}}), `shrinkageSeries`. Version-1 files still load (as a model without contexts); a newer version is refused
 * with a message saying so.
 * @module
 */
import { describeValue } from '../bytes/index.js';
import { FileFormatError } from '../errors.js';
import { parseJsonObject } from '../jsonFile.js';
import {
  CONTEXT_COLUMNS,
  FILTER_SIGMA_BUCKETS,
  MAX_PRIOR_DISTANCES,
  MODEL_FILE_VERSION,
  PLATT_INTERCEPT_MAX,
  PLATT_SLOPE_RANGE,
  type ContextColumnFit,
  type ContextEffect,
  type ProximityModel,
} from './contextModel.js';
import { FILTER_KINDS, type FilterKind, type FilterSpec } from './filters.js';
import type { PathLossModel } from './pathLoss.js';

/** A model file that cannot be used; names the file and the field. */
export class ModelFileError extends FileFormatError {}

/** The `format` value of version-2 files. */
export const MODEL_FILE_FORMAT = 'proxsense-path-loss';

type Fail = (field: string, expected: string, actual: unknown) => never;

/**
 * Validates the three model fields of `o` (a model file, or the `pathLoss` setting of an episodes config);
 * `fail` reports a bad field.
 */
export function pathLossModelFromObject(o: Record<string, unknown>, fail: Fail): PathLossModel {
  const field = (name: string, min: number, max: number) => {
    const v = o[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)
      fail(name, `a number ${min}..${max}`, v);
    return v;
  };
  return {
    a0Db: field('a0Db', -50, 200),
    pathLossExponent: field('pathLossExponent', 0.1, 10),
    sigmaDb: field('sigmaDb', 0, 50),
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(v: unknown, field: string, min: number, max: number, fail: Fail): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)
    fail(field, `a number ${min}..${max}`, v);
  return v;
}

/** Validates a whole (version 1 or 2) model object. */
export function proximityModelFromObject(o: Record<string, unknown>, fail: Fail): ProximityModel {
  const version = o['version'] === undefined ? 1 : o['version'];
  if (version !== 1 && version !== 2) {
    if (typeof version === 'number' && Number.isInteger(version) && version > MODEL_FILE_VERSION) {
      fail('version', `1..${MODEL_FILE_VERSION} (this file is from a newer proxsense)`, version);
    }
    fail('version', `1..${MODEL_FILE_VERSION}`, version);
  }
  const model: ProximityModel = { ...pathLossModelFromObject(o, fail), contexts: {} };
  if (version === 1) return model;
  if (o['format'] !== MODEL_FILE_FORMAT)
    fail('format', JSON.stringify(MODEL_FILE_FORMAT), o['format']);
  const contexts = o['contexts'] ?? {};
  if (!isObject(contexts)) fail('contexts', 'an object', contexts);
  for (const [column, raw] of Object.entries(contexts)) {
    if (!(CONTEXT_COLUMNS as readonly string[]).includes(column))
      fail(`contexts.${column}`, `one of ${CONTEXT_COLUMNS.join(', ')}`, column);
    if (!isObject(raw) || !isObject(raw['values']))
      fail(`contexts.${column}`, 'an object {"spreadDb", "values"}', raw);
    const fit = raw as { spreadDb: unknown; values: Record<string, unknown> };
    const values: [string, ContextEffect][] = [];
    for (const [value, e] of Object.entries(fit.values)) {
      const f = `contexts.${column}.values[${JSON.stringify(value)}]`;
      if (!isObject(e)) fail(f, 'an object {"offsetDb", "sigmaDb", "series", "rows"}', e);
      const effect = e;
      values.push([
        value,
        {
          offsetDb: num(effect['offsetDb'], `${f}.offsetDb`, -500, 500, fail),
          sigmaDb: num(effect['sigmaDb'], `${f}.sigmaDb`, 0.01, 50, fail),
          series: num(effect['series'], `${f}.series`, 0, 1e12, fail),
          rows: num(effect['rows'], `${f}.rows`, 0, 1e12, fail),
        },
      ]);
    }
    const column2 = column as keyof ProximityModel['contexts'];
    const entry: ContextColumnFit = {
      spreadDb: num(fit.spreadDb, `contexts.${column}.spreadDb`, 0, 500, fail),
      values: Object.fromEntries(values),
    };
    model.contexts[column2] = entry;
  }
  if (o['withinSeriesSigmaDb'] !== undefined)
    model.withinSeriesSigmaDb = num(
      o['withinSeriesSigmaDb'],
      'withinSeriesSigmaDb',
      0.01,
      50,
      fail,
    );
  if (o['betweenSeriesSigmaDb'] !== undefined)
    model.betweenSeriesSigmaDb = num(
      o['betweenSeriesSigmaDb'],
      'betweenSeriesSigmaDb',
      0,
      50,
      fail,
    );
  if (o['shrinkageSeries'] !== undefined)
    model.shrinkageSeries = num(o['shrinkageSeries'], 'shrinkageSeries', 0, 1e6, fail);
  if (o['filter'] !== undefined) model.filter = filterSpecFromObject(o['filter'], fail);
  if (o['filteredSigmaDb'] !== undefined) {
    const t = o['filteredSigmaDb'];
    if (!isObject(t)) fail('filteredSigmaDb', 'an object {filter: [σ per bucket]}', t);
    const tables: Record<string, number[]> = {};
    for (const [name, list] of Object.entries(t)) {
      if (!Array.isArray(list) || list.length !== FILTER_SIGMA_BUCKETS)
        fail(`filteredSigmaDb.${name}`, `${FILTER_SIGMA_BUCKETS} numbers`, list);
      tables[name] = (list as unknown[]).map((v, i) =>
        num(v, `filteredSigmaDb.${name}[${i}]`, 0.01, 50, fail),
      );
    }
    model.filteredSigmaDb = tables;
  }
  if (o['distancePrior'] !== undefined) {
    const p = o['distancePrior'];
    if (!isObject(p) || !Array.isArray(p['distancesM']) || !Array.isArray(p['weights']))
      fail('distancePrior', 'an object {"distancesM", "weights", "bandwidthLog10"}', p);
    const prior = p as { distancesM: unknown[]; weights: unknown[]; bandwidthLog10: unknown };
    if (
      prior.distancesM.length > MAX_PRIOR_DISTANCES ||
      prior.weights.length !== prior.distancesM.length
    ) {
      fail(
        'distancePrior.weights',
        `as many weights as distances (at most ${MAX_PRIOR_DISTANCES})`,
        prior.weights,
      );
    }
    model.distancePrior = {
      distancesM: prior.distancesM.map((d, i) =>
        num(d, `distancePrior.distancesM[${i}]`, 0.01, 1000, fail),
      ),
      weights: prior.weights.map((w, i) => num(w, `distancePrior.weights[${i}]`, 1e-9, 1e12, fail)),
      bandwidthLog10: num(prior.bandwidthLog10, 'distancePrior.bandwidthLog10', 0.001, 2, fail),
    };
  }
  if (o['closeTailDof'] !== undefined)
    model.closeTailDof = num(o['closeTailDof'], 'closeTailDof', 2.01, 1000, fail);
  if (o['closeCalibration'] !== undefined) {
    const c = o['closeCalibration'];
    if (!isObject(c) || !isObject(c['byFilter']))
      fail('closeCalibration', 'an object {"closeM", "byFilter"}', c);
    const cal = c as { closeM: unknown; byFilter: Record<string, unknown> };
    const byFilter: Record<string, { slope: number; intercept: number }> = {};
    for (const [name, v] of Object.entries(cal.byFilter)) {
      const f = `closeCalibration.byFilter.${name}`;
      if (!isObject(v)) fail(f, 'an object {"slope", "intercept"}', v);
      byFilter[name] = {
        slope: num(v['slope'], `${f}.slope`, PLATT_SLOPE_RANGE.min, PLATT_SLOPE_RANGE.max, fail),
        intercept: num(
          v['intercept'],
          `${f}.intercept`,
          -PLATT_INTERCEPT_MAX,
          PLATT_INTERCEPT_MAX,
          fail,
        ),
      };
    }
    model.closeCalibration = {
      closeM: num(cal.closeM, 'closeCalibration.closeM', 0.01, 1000, fail),
      byFilter,
    };
  }
  return model;
}

function filterSpecFromObject(v: unknown, fail: Fail): FilterSpec {
  if (!isObject(v) || !FILTER_KINDS.includes(v['kind'] as FilterKind))
    fail('filter', `an object {"kind": one of ${FILTER_KINDS.join(', ')}}`, v);
  const o = v;
  const spec: FilterSpec = { kind: o['kind'] as FilterKind };
  if (o['windowS'] !== undefined)
    spec.windowS = num(o['windowS'], 'filter.windowS', 0.001, 86_400, fail);
  if (o['quantile'] !== undefined)
    spec.quantile = num(o['quantile'], 'filter.quantile', 0, 1, fail);
  if (o['processVarianceDb2PerS'] !== undefined)
    spec.processVarianceDb2PerS = num(
      o['processVarianceDb2PerS'],
      'filter.processVarianceDb2PerS',
      0,
      1e6,
      fail,
    );
  return spec;
}

/** Parses and validates a version-1 model file's three fields (use {@link parseModelFileJson} for all). */
export function parsePathLossModelJson(text: string, source = 'model.json'): PathLossModel {
  const { a0Db, pathLossExponent, sigmaDb } = parseModelFileJson(text, source);
  return { a0Db, pathLossExponent, sigmaDb };
}

/** Parses and validates a model file of any supported version. @throws ModelFileError */
export function parseModelFileJson(text: string, source = 'model.json'): ProximityModel {
  const o = parseJsonObject(
    text,
    source,
    ModelFileError,
    'an object {"a0Db", "pathLossExponent", "sigmaDb"}',
  );
  return proximityModelFromObject(o, (field, expected, actual) => {
    throw new ModelFileError(
      source,
      `${field}: expected ${expected}, got ${describeValue(actual)}`,
    );
  });
}

/** The version-2 file object of a model (`fit` adds the fit's summary under "fit"). */
export function modelFileObject(
  model: ProximityModel,
  fit?: Record<string, unknown>,
): Record<string, unknown> {
  const { a0Db, pathLossExponent, sigmaDb, ...rest } = model;
  return {
    format: MODEL_FILE_FORMAT,
    version: MODEL_FILE_VERSION,
    a0Db,
    pathLossExponent,
    sigmaDb,
    ...rest,
    ...(fit ? { fit } : {}),
  };
}
