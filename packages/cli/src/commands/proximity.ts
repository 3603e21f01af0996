/**
 * `proxsense calibrate fit` and `proxsense estimate`.
 * @module
 */
import { InvalidArgumentError, type Command } from 'commander';
import {
  CalibrationTable,
  DEFAULT_PATH_LOSS_MODEL,
  estimateRowObjects,
  estimateRows,
  FILTER_KINDS,
  fitPathLoss,
  formatCsv,
  numberCell,
  parseCalibrationCsv,
  parseCsv,
  parsePathLossModelJson,
  CsvFormatError,
  type FilterKind,
  type LabelledReading,
  type PathLossModel,
} from '@proxsense/core';
import { readTextFile, writeFileAtomic } from '../io.js';
import { choiceOption } from '../options.js';
import type { Output } from '../output.js';

function loadCalibration(path: string | undefined): CalibrationTable {
  return path === undefined ? new CalibrationTable() : parseCalibrationCsv(readTextFile(path, 'calibration table'), path);
}

function loadModel(path: string | undefined): PathLossModel {
  return path === undefined ? DEFAULT_PATH_LOSS_MODEL : parsePathLossModelJson(readTextFile(path, 'model file'), path);
}

function probability(value: string): number {
  const p = Number(value);
  if (!(p > 0 && p < 1)) throw new InvalidArgumentError(`expected a probability between 0 and 1, got "${value}"`);
  return p;
}

/** Registers `calibrate fit` and `estimate`. */
export function registerProximityCommands(program: Command, out: Output): void {
  const calibrate = program.command('calibrate').description('fit distance models to labelled RSSI data');
  calibrate
    .command('fit')
    .description('least-squares fit of the log-distance path-loss model A = A0 + 10·n·log10(d) + N(0, σ²)')
    .argument('<file.csv>', 'labelled rows: rssi, distance (m), and optionally tx (dBm), manufacturer, model (receiver)')
    .option('--calibration <csv>', 'device calibration table (GAEN shape) for TX defaults and RSSI corrections')
    .option('--out <model.json>', 'write the model file that `estimate --model` reads')
    .option('--json', 'print the fit as JSON')
    .addHelpText('after', '\nExample:\n  $ proxsense calibrate fit examples/labelled-rssi.csv --out /tmp/model.json')
    .action((file: string, o: { calibration?: string; out?: string; json?: boolean }) => {
      const table = parseCsv(readTextFile(file, 'labelled data'), file);
      for (const column of ['rssi', 'distance']) if (!table.columns.includes(column)) throw new CsvFormatError(file, 1, `missing column "${column}" (header has: ${table.columns.join(', ')})`);
      const readings: LabelledReading[] = table.rows.map((row, i) => {
        const line = table.lineNumbers[i]!;
        const r: LabelledReading = { rssiDbm: numberCell(row, 'rssi', file, line, { required: true, min: -127, max: 20 })!, distanceM: numberCell(row, 'distance', file, line, { required: true, min: 0.01, max: 1000 })! };
        const tx = numberCell(row, 'tx', file, line, { min: -127, max: 127 });
        if (tx !== undefined) r.txPowerDbm = tx;
        if (row['manufacturer']) r.manufacturer = row['manufacturer'];
        if (row['model']) r.model = row['model'];
        return r;
      });
      const fit = fitPathLoss(readings, loadCalibration(o.calibration));
      if (o.out) writeFileAtomic(o.out, `${JSON.stringify({ ...fit.model, fit: { rows: fit.rows, rmseDb: fit.rmseDb, rSquared: fit.rSquared, intervalCoverage80: fit.intervalCoverage80, medianAbsLog10Error: fit.medianAbsLog10Error, source: file } }, null, 2)}\n`);
      if (o.json) return out.json(fit);
      out.line(`A0 = ${fit.model.a0Db.toFixed(2)} dB at 1 m`);
      out.line(`n  = ${fit.model.pathLossExponent.toFixed(3)}`);
      out.line(`σ  = ${fit.model.sigmaDb.toFixed(2)} dB`);
      out.line(`fit: ${fit.rows} rows, RMSE ${fit.rmseDb.toFixed(2)} dB, R² ${fit.rSquared.toFixed(3)}, 80% intervals hold the true distance for ${(100 * fit.intervalCoverage80).toFixed(1)}% of rows, median distance error ×${(10 ** fit.medianAbsLog10Error).toFixed(2)}`);
      if (o.out) out.line(`wrote ${o.out}`);
    });

  program
    .command('estimate')
    .description('distance estimates with intervals for RSSI rows (CSV in, the same rows out with estimates added)')
    .requiredOption('--in <file.csv>', 'columns: rssi, and optionally tx, manufacturer, model (receiver), id, t (ms); others pass through')
    .option('--model <model.json>', 'path-loss model (default: built-in A0 50 dB, n 2.5, σ 8 dB)')
    .option('--calibration <csv>', 'device calibration table (GAEN shape)')
    .option('--filter <kind>', `filter for each ID's series: ${FILTER_KINDS.join(', ')}`, choiceOption(FILTER_KINDS), 'kalman' as FilterKind)
    .option('--coverage <p>', 'interval probability', probability, 0.8)
    .option('--json', 'print a JSON array of row objects instead of CSV')
    .addHelpText('after', '\nExample:\n  $ proxsense estimate --in examples/labelled-rssi.csv --filter median --json')
    .action((o: { in: string; model?: string; calibration?: string; filter: FilterKind; coverage: number; json?: boolean }) => {
      const table = parseCsv(readTextFile(o.in, 'RSSI rows'), o.in);
      const result = estimateRows(table, o.in, { model: loadModel(o.model), calibration: loadCalibration(o.calibration), filter: o.filter, coverage: o.coverage });
      if (o.json) return out.json(estimateRowObjects(result));
      out.text(formatCsv(result.columns, result.values));
    });
}
