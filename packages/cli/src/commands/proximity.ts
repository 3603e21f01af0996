/**
 * `proxsense calibrate fit`, `proxsense calibrate evaluate` and `proxsense estimate`.
 * @module
 */
import { InvalidArgumentError, type Command } from 'commander';
import {
  CalibrationTable,
  CONTEXT_COLUMNS,
  crossValidate,
  DEFAULT_PATH_LOSS_MODEL,
  estimateRowObjects,
  estimateRows,
  evaluateModel,
  FILTER_KINDS,
  filterSpecName,
  FitError,
  fitWithFilterSelection,
  formatCsv,
  modelContextColumns,
  modelFileObject,
  parseCalibrationCsv,
  parseCsv,
  parseDecimal,
  parseModelFileJson,
  readRowReadings,
  asProximityModel,
  type ContextColumn,
  type CrossValidation,
  type Evaluation,
  type EvaluationReading,
  type FilterKind,
  type FilterSpec,
  type ProximityModel,
} from '@proxsense/core';
import { CliError } from '../errors.js';
import { readTextFile, writeFileAtomic } from '../io.js';
import { choiceOption } from '../options.js';
import type { Output } from '../output.js';

function loadCalibration(path: string | undefined): CalibrationTable {
  return path === undefined
    ? new CalibrationTable()
    : parseCalibrationCsv(readTextFile(path, 'calibration table'), path);
}

function loadModel(path: string | undefined): ProximityModel {
  return path === undefined
    ? asProximityModel(DEFAULT_PATH_LOSS_MODEL)
    : parseModelFileJson(readTextFile(path, 'model file'), path);
}

function probability(value: string): number {
  const p = parseDecimal(value);
  if (p === undefined || !(p > 0 && p < 1))
    throw new InvalidArgumentError(`expected a probability between 0 and 1, got "${value}"`);
  return p;
}

function numberIn(min: number, max: number, what: string): (value: string) => number {
  return (value) => {
    const v = parseDecimal(value);
    if (v === undefined || v < min || v > max)
      throw new InvalidArgumentError(`expected ${what} ${min}..${max}, got "${value}"`);
    return v;
  };
}

function folds(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 2 || Number(value) > 100)
    throw new InvalidArgumentError(`expected an integer 2..100, got "${value}"`);
  return Number(value);
}

/** `--context model,position` / `all` / `none`. */
function contextList(value: string): ContextColumn[] {
  if (value === 'all') return [...CONTEXT_COLUMNS];
  if (value === 'none') return [];
  const list = value.split(',').map((s) => s.trim());
  for (const c of list)
    if (!(CONTEXT_COLUMNS as readonly string[]).includes(c))
      throw new InvalidArgumentError(
        `expected all, none or a comma list of ${CONTEXT_COLUMNS.join(', ')}, got "${c}"`,
      );
  return list as ContextColumn[];
}

function columnList(value: string): string[] {
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!list.length)
    throw new InvalidArgumentError(`expected a comma list of column names, got "${value}"`);
  return list;
}

function filterSpec(
  kind: FilterKind | undefined,
  windowS: number | undefined,
): FilterSpec | undefined {
  if (kind === undefined) return windowS === undefined ? undefined : { kind: 'window', windowS };
  return kind === 'window' ? { kind, windowS: windowS ?? 30 } : { kind };
}

/** Runs a fit; a FitError (the data cannot determine the model) becomes one line naming the file. */
function namingFile<T>(file: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof FitError) throw new CliError(`${file}: ${error.message}`);
    throw error;
  }
}

function labelledReadings(
  file: string,
  calibration: CalibrationTable,
  groupBy?: string[],
): EvaluationReading[] {
  const table = parseCsv(readTextFile(file, 'labelled data'), file);
  return readRowReadings(table, file, {
    calibration,
    requireDistance: true,
    groupBy,
  }) as EvaluationReading[];
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const f3 = (x: number) => x.toFixed(3);

function printEvaluation(out: Output, e: Evaluation, heading: string): void {
  out.line(
    `${heading}: ${e.rows} rows, ${e.series} series, "≤ ${e.closeM} m" true for ${pct(e.closeShare)} of rows`,
  );
  out.line(
    `  estimate        balanced acc   ROC AUC   Brier   interval coverage (nominal ${pct(e.nominalCoverage)})`,
  );
  const row = (name: string, s: Evaluation['perRow']) =>
    out.line(
      `  ${name.padEnd(15)} ${f3(s.balancedAccuracy).padStart(12)}   ${f3(s.rocAuc).padStart(7)}   ${f3(s.brier)}   ${pct(s.intervalCoverage)}`,
    );
  row('per-row', e.perRow);
  if (e.filtered) {
    row(`filtered (${e.filter})`.slice(0, 15), e.filtered);
    const c = e.pClose!;
    out.line(
      `  p_close: Brier ${f3(c.brier)}, ECE ${f3(c.ece)}, largest gap over ten equal-count bins ${f3(c.equalCountMaxGap)}, over fixed deciles ${f3(c.maxDecileGap)}`,
    );
    out.line(
      `    fixed deciles (from: predicted→observed, rows): ${c.deciles.map((d) => `${d.low.toFixed(1)}: ${d.meanPredicted.toFixed(2)}→${d.observed.toFixed(2)} (${d.rows})`).join(', ')}`,
    );
    out.line(
      `    equal-count bins (predicted→observed): ${c.equalCount.map((d) => `${d.meanPredicted.toFixed(2)}→${d.observed.toFixed(2)}`).join(', ')}`,
    );
  }
  out.line(
    `  point rule "distance_m ≤ ${e.closeM}": per-row ${f3(e.perRow.pointBalancedAccuracy)}${e.filtered ? `, filtered ${f3(e.filtered.pointBalancedAccuracy)}` : ''}`,
  );
  out.line(
    `  best single RSSI threshold on these rows: rssi ≥ ${e.threshold.rssiDbm} dBm, balanced acc ${f3(e.threshold.balancedAccuracy)}; ratio ${f3(e.ratioToThreshold)}`,
  );
  const unseen = Object.entries(e.unseenRows);
  if (unseen.length)
    out.line(
      `  unseen context values (pooled fit used): ${unseen.map(([c, k]) => `${c} ${k} rows`).join(', ')}`,
    );
}

function printSelection(out: Output, cv: CrossValidation): void {
  for (const r of cv.results) {
    const s = r.filtered ?? r.perRow;
    out.line(
      `  ${r.filter.padEnd(12)} held-out balanced acc ${f3(s.balancedAccuracy)}, AUC ${f3(s.rocAuc)}, Brier ${f3(s.brier)}, coverage ${pct(s.intervalCoverage)}${r === cv.results[cv.best] ? '  ← chosen' : ''}`,
    );
  }
}

/** Registers `calibrate fit`, `calibrate evaluate` and `estimate`. */
export function registerProximityCommands(program: Command, out: Output): void {
  const calibrate = program
    .command('calibrate')
    .description('fit and evaluate distance models on labelled RSSI data');
  calibrate
    .command('fit')
    .description(
      'context-aware fit of A = A0 + offsets(model, tx_model, position) + 10·n·log10(d) + N(0, σ²), shrunk towards the pooled fit',
    )
    .argument(
      '<file.csv>',
      'labelled rows: rssi, distance (m); optionally tx (dBm), manufacturer, model (receiver), tx_model, position, id + t (ms)',
    )
    .option(
      '--calibration <csv>',
      'device calibration table (GAEN shape) for TX defaults and RSSI corrections',
    )
    .option('--out <model.json>', 'write the model file that `estimate --model` reads')
    .option(
      '--context <columns>',
      `context columns to learn: all, none, or a list of ${CONTEXT_COLUMNS.join(', ')}`,
      contextList,
    )
    .option(
      '--shrinkage <series>',
      'ridge strength: a context value seen in this many series keeps half its own offset',
      numberIn(0, 1e6, 'a number'),
      2,
    )
    .option(
      '--close-m <m>',
      'distance at which p_close is calibrated and the default filter chosen',
      numberIn(0.01, 1000, 'metres'),
      2,
    )
    .option(
      '--tail-dof <dof>',
      'p_close assumes Student-t errors with this many degrees of freedom (default: Gaussian)',
      numberIn(2.01, 1000, 'a number'),
    )
    .option(
      '--fold-by <columns>',
      'nested calibration and filter choice keep rows with equal values of these columns in one fold (default: by series; e.g. model,tx_model so that intervals and p_close hold for a phone pair the fit never saw)',
      columnList,
    )
    .option('--json', 'print the fit as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  $ proxsense calibrate fit examples/labelled-rssi.csv --out /tmp/model.json',
    )
    .action(
      (
        file: string,
        o: {
          calibration?: string;
          out?: string;
          json?: boolean;
          context?: ContextColumn[];
          shrinkage: number;
          closeM: number;
          tailDof?: number;
          foldBy?: string[];
        },
      ) => {
        const readings = labelledReadings(file, loadCalibration(o.calibration), o.foldBy);
        const { fit, selection } = namingFile(file, () =>
          fitWithFilterSelection(readings, {
            columns: o.context,
            shrinkageSeries: o.shrinkage,
            closeM: o.closeM,
            closeTailDof: o.tailDof,
          }),
        );
        const summary = {
          rows: fit.rows,
          series: fit.series,
          rmseDb: fit.rmseDb,
          rSquared: fit.rSquared,
          intervalCoverage80: fit.intervalCoverage80,
          medianAbsLog10Error: fit.medianAbsLog10Error,
          source: file,
        };
        if (o.out)
          writeFileAtomic(
            o.out,
            `${JSON.stringify(modelFileObject(fit.model, summary), null, 2)}\n`,
          );
        if (o.json)
          return out.json({
            ...fit,
            filterSelection: selection?.results.map((r) => ({
              filter: r.filter,
              filtered: r.filtered,
              perRow: r.perRow,
            })),
          });
        const m = fit.model;
        out.line(`A0 = ${m.a0Db.toFixed(2)} dB at 1 m (pooled)`);
        out.line(`n  = ${m.pathLossExponent.toFixed(3)}`);
        out.line(
          `σ  = ${m.sigmaDb.toFixed(2)} dB${m.withinSeriesSigmaDb !== undefined ? ` (within series ${m.withinSeriesSigmaDb.toFixed(2)}, between series ${m.betweenSeriesSigmaDb!.toFixed(2)})` : ''}`,
        );
        for (const column of modelContextColumns(m)) {
          const c = m.contexts[column]!;
          out.line(`${column}: spread ${c.spreadDb.toFixed(2)} dB`);
          for (const [value, e] of Object.entries(c.values))
            out.line(
              `  ${value}: offset ${e.offsetDb >= 0 ? '+' : ''}${e.offsetDb.toFixed(2)} dB, σ ${e.sigmaDb.toFixed(2)} dB (${e.series} series, ${e.rows} rows)`,
            );
        }
        out.line(
          `fit: ${fit.rows} rows, ${fit.series} series, RMSE ${fit.rmseDb.toFixed(2)} dB, R² ${fit.rSquared.toFixed(3)}, 80% intervals hold the true distance for ${pct(fit.intervalCoverage80)} of rows, median distance error ×${(10 ** fit.medianAbsLog10Error).toFixed(2)}`,
        );
        if (selection) {
          out.line(
            `series estimator, chosen by ${selection.folds}-fold cross-validation by ${o.foldBy ? o.foldBy.join('+') : 'series'} ("≤ ${o.closeM} m"):`,
          );
          printSelection(out, selection);
        } else
          out.line(
            `series estimator: ${filterSpecName(m.filter ?? { kind: 'kalman' })} (too few timed series to cross-validate)`,
          );
        if (o.out) out.line(`wrote ${o.out}`);
      },
    );

  calibrate
    .command('evaluate')
    .description(
      'score "true distance ≤ D" on labelled rows: per-row, filtered and p_close against the best single RSSI threshold',
    )
    .argument('<file.csv>', 'labelled rows, as for `calibrate fit`')
    .option('--model <model.json>', 'model to score (without --folds; default the built-in model)')
    .option(
      '--folds <k>',
      'instead: K-fold cross-validation by series, fitting on K−1 folds and scoring the held-out one',
      folds,
    )
    .option(
      '--fold-by <columns>',
      'with --folds: keep rows with equal values of these columns in one fold (e.g. model,tx_model)',
      columnList,
    )
    .option(
      '--context <columns>',
      'with --folds: context columns to learn (all, none, or a list)',
      contextList,
    )
    .option(
      '--shrinkage <series>',
      'with --folds: ridge strength in series',
      numberIn(0, 1e6, 'a number'),
      2,
    )
    .option(
      '--tail-dof <dof>',
      'with --folds: Student-t degrees of freedom for p_close (default: Gaussian)',
      numberIn(2.01, 1000, 'a number'),
    )
    .option('--calibration <csv>', 'device calibration table (GAEN shape)')
    .option(
      '--filter <kind>',
      `series estimator to score: ${FILTER_KINDS.join(', ')} (default: the model's)`,
      choiceOption(FILTER_KINDS),
    )
    .option(
      '--window-s <s>',
      'window length of the window filter, s',
      numberIn(0.001, 86_400, 'seconds'),
    )
    .option('--close-m <m>', 'the "close" distance D, m', numberIn(0.01, 1000, 'metres'), 2)
    .option('--coverage <p>', 'interval probability', probability, 0.8)
    .option('--json', 'print the figures as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ proxsense calibrate evaluate examples/labelled-rssi.csv --model /tmp/model.json\n  $ proxsense calibrate evaluate examples/labelled-rssi.csv --folds 5',
    )
    .action(
      (
        file: string,
        o: {
          model?: string;
          folds?: number;
          foldBy?: string[];
          context?: ContextColumn[];
          shrinkage: number;
          tailDof?: number;
          calibration?: string;
          filter?: FilterKind;
          windowS?: number;
          closeM: number;
          coverage: number;
          json?: boolean;
        },
      ) => {
        const filter = filterSpec(o.filter, o.windowS);
        if (o.folds === undefined) {
          for (const [flag, v] of [
            ['--fold-by', o.foldBy],
            ['--context', o.context],
            ['--tail-dof', o.tailDof],
          ] as const)
            if (v !== undefined) throw new CliError(`${flag} needs --folds`);
          const readings = labelledReadings(file, loadCalibration(o.calibration));
          const e = evaluateModel(loadModel(o.model), readings, {
            closeM: o.closeM,
            coverage: o.coverage,
            filter,
          });
          if (o.json) return out.json(e);
          return printEvaluation(out, e, `${file} scored by ${o.model ?? 'the built-in model'}`);
        }
        if (o.model !== undefined)
          throw new CliError('--model and --folds exclude each other: --folds fits its own models');
        const readings = labelledReadings(file, loadCalibration(o.calibration), o.foldBy);
        const cv = namingFile(file, () =>
          crossValidate(readings, {
            folds: o.folds,
            columns: o.context,
            shrinkageSeries: o.shrinkage,
            closeTailDof: o.tailDof,
            closeM: o.closeM,
            coverage: o.coverage,
            candidates: filter ? [filter] : undefined,
          }),
        );
        if (o.json)
          return out.json({
            folds: cv.folds,
            groups: cv.groups,
            best: cv.results[cv.best]!.filter,
            results: cv.results,
          });
        out.line(
          `${cv.folds}-fold cross-validation by ${o.foldBy ? o.foldBy.join('+') : 'series'} (${cv.groups} groups); every figure is on held-out rows:`,
        );
        printSelection(out, cv);
        printEvaluation(out, cv.results[cv.best]!, `best (${cv.results[cv.best]!.filter})`);
      },
    );

  program
    .command('estimate')
    .description(
      'distance estimates with intervals for RSSI rows (CSV in, the same rows out with estimates added)',
    )
    .requiredOption(
      '--in <file.csv>',
      'columns: rssi, and optionally tx, manufacturer, model (receiver), tx_model, position, id, t (ms); others pass through',
    )
    .option('--model <model.json>', 'path-loss model (default: built-in A0 50 dB, n 2.5, σ 8 dB)')
    .option('--calibration <csv>', 'device calibration table (GAEN shape)')
    .option(
      '--filter <kind>',
      `filter for each ID's series: ${FILTER_KINDS.join(', ')} (default: the model's choice, else kalman)`,
      choiceOption(FILTER_KINDS),
    )
    .option(
      '--window-s <s>',
      'window length of the window filter, s (default 30)',
      numberIn(0.001, 86_400, 'seconds'),
    )
    .option(
      '--close-m <m>',
      'add p_close: the probability that the true distance is ≤ this many metres',
      numberIn(0.01, 1000, 'metres'),
    )
    .option('--coverage <p>', 'interval probability', probability, 0.8)
    .option('--json', 'print a JSON array of row objects instead of CSV')
    .addHelpText(
      'after',
      '\nExample:\n  $ proxsense estimate --in examples/labelled-rssi.csv --filter median --json',
    )
    .action(
      (o: {
        in: string;
        model?: string;
        calibration?: string;
        filter?: FilterKind;
        windowS?: number;
        closeM?: number;
        coverage: number;
        json?: boolean;
      }) => {
        const table = parseCsv(readTextFile(o.in, 'RSSI rows'), o.in);
        const result = estimateRows(table, o.in, {
          model: loadModel(o.model),
          calibration: loadCalibration(o.calibration),
          filter: filterSpec(o.filter, o.windowS),
          coverage: o.coverage,
          closeM: o.closeM,
        });
        const unseen = Object.entries(result.unseenRows);
        if (unseen.length && o.model !== undefined)
          out.warn(
            `proxsense: note: ${unseen.map(([c, k]) => `${k} rows with a ${c} the model has not seen`).join(', ')}: they used the pooled fit (wider intervals)`,
          );
        if (o.json) return out.json(estimateRowObjects(result));
        out.text(formatCsv(result.columns, result.values));
      },
    );
}
