/**
 * Per-device calibration, as GAEN's published calibration tables give it: each phone model's
 * calibrated TX power (dBm, what it advertises in the metadata) and RSSI correction (dB, added to what
 * it measures), so attenuation means the same thing whichever phones meet.
 * @module
 */
import { CsvFormatError, numberCell, parseCsv } from './csv.js';
import { TX_POWER_CELL_DBM } from './ranges.js';

/** One device's calibration. */
export interface DeviceCalibration {
  manufacturer: string;
  model: string;
  /** Calibrated transmit power, dBm. */
  txPowerDbm: number;
  /** Correction added to the RSSI this device measures, dB. */
  rssiCorrectionDb: number;
  /** The table's confidence level (GAEN: 0 none … 3 high), when given. */
  confidence?: number;
}

/**
 * Used for devices no table row covers. An assumption, not a measurement: TX power near the middle of
 * the values phones advertise, no RSSI correction. A CSV row with manufacturer and model `*` replaces it.
 */
export const DEFAULT_DEVICE_CALIBRATION: DeviceCalibration = {
  manufacturer: '*',
  model: '*',
  txPowerDbm: -24,
  rssiCorrectionDb: 0,
};

/** Calibration rows keyed by manufacturer and model (case-insensitive), with fallbacks. */
export class CalibrationTable {
  private readonly byDevice = new Map<string, DeviceCalibration>();
  /** Rows by model alone, for "the model under any manufacturer" (the last row set for a model wins). */
  private readonly byModel = new Map<string, DeviceCalibration>();

  constructor(rows: Iterable<DeviceCalibration> = []) {
    for (const row of rows) this.set(row);
  }

  /** Adds or replaces a row. */
  set(row: DeviceCalibration): void {
    this.byDevice.set(key(row.manufacturer, row.model), row);
    if (row.model.trim() !== '*') this.byModel.set(row.model.trim().toLowerCase(), row);
  }

  /** A new table with `other`'s rows overriding this one's. */
  merge(other: CalibrationTable): CalibrationTable {
    return new CalibrationTable([...this.rows(), ...other.rows()]);
  }

  rows(): DeviceCalibration[] {
    return [...this.byDevice.values()];
  }

  /**
   * The row for a device: exact manufacturer+model, else the manufacturer's `*` row, else any
   * manufacturer's row of that model, else the table's `*,*` row, else {@link DEFAULT_DEVICE_CALIBRATION}.
   */
  lookup(manufacturer = '*', model = '*'): DeviceCalibration {
    const m = model.trim().toLowerCase();
    const anyMaker = manufacturer.trim() === '' || manufacturer.trim() === '*';
    return (
      this.byDevice.get(key(manufacturer, model)) ??
      // An unknown manufacturer has no `*` row of its own: skipping this keeps the `*,*` row last.
      (anyMaker ? undefined : this.byDevice.get(key(manufacturer, '*'))) ??
      this.byDevice.get(key('*', model)) ??
      (m === '*' || m === '' ? undefined : this.byModel.get(m)) ??
      this.byDevice.get(key('*', '*')) ??
      DEFAULT_DEVICE_CALIBRATION
    );
  }
}

function key(manufacturer: string, model: string): string {
  return `${manufacturer.trim().toLowerCase()}\u0000${model.trim().toLowerCase()}`;
}

/** Column names accepted for each field (GAEN's table first). */
const COLUMNS = {
  manufacturer: ['manufacturer'],
  model: ['model', 'device'],
  txPowerDbm: ['tx', 'tx_power', 'tx_power_dbm'],
  rssiCorrectionDb: ['rssi_correction', 'rssi_correction_db'],
  confidence: ['calibration_confidence', 'confidence'],
} as const;

/**
 * Reads a calibration CSV in the shape of GAEN's tables: one row per device with `manufacturer`,
 * `model` (or `device`), `tx`, `rssi_correction` and optionally `calibration_confidence`.
 * @throws CsvFormatError naming the line and column.
 */
export function parseCalibrationCsv(text: string, source = 'calibration.csv'): CalibrationTable {
  const table = parseCsv(text, source);
  const pick = (names: readonly string[], required: boolean) => {
    const found = names.find((n) => table.columns.includes(n));
    if (!found && required)
      throw new CsvFormatError(
        source,
        1,
        `missing column "${names[0]}" (header has: ${table.columns.join(', ')})`,
      );
    return found;
  };
  const manufacturer = pick(COLUMNS.manufacturer, true)!;
  const model = pick(COLUMNS.model, true)!;
  const tx = pick(COLUMNS.txPowerDbm, true)!;
  const correction = pick(COLUMNS.rssiCorrectionDb, true)!;
  const confidence = pick(COLUMNS.confidence, false);
  const out = new CalibrationTable();
  table.rows.forEach((row, i) => {
    const line = table.lineNumbers[i]!;
    const entry: DeviceCalibration = {
      manufacturer: row[manufacturer]!.trim() || '*',
      model: row[model]!.trim() || '*',
      txPowerDbm: numberCell(row, tx, source, line, { required: true, ...TX_POWER_CELL_DBM })!,
      rssiCorrectionDb: numberCell(row, correction, source, line, {
        required: true,
        min: -100,
        max: 100,
      })!,
    };
    const c = confidence === undefined ? undefined : numberCell(row, confidence, source, line);
    if (c !== undefined) entry.confidence = c;
    out.set(entry);
  });
  return out;
}
