/**
 * `proxsense radio calibrate`: labelled RSSI rows from the nearest device (strongest median RSSI) at a
 * known distance, in the CSV format `proxsense calibrate fit` reads, with the receiver model and the
 * carry position.
 * @module
 */
import type { Command } from 'commander';
import { formatCsv } from '@proxsense/core';
import { CliError } from '../errors.js';
import { writeFileAtomic } from '../io.js';
import { integerOption } from '../options.js';
import type { Output } from '../output.js';
import {
  openHost,
  peerSchemeOption,
  radioCommonOptions,
  startPeer,
  type RadioCommonOptions,
} from './radio.js';
import { DeviceTable, heardAdvert } from './radioDevices.js';

interface CalibrateOptions extends RadioCommonOptions {
  samples: number;
  out?: string;
  model: string;
  position: string;
  warmup: number;
  peerScheme: 'gaen' | 'bluezone';
}

/** The columns written; `calibrate fit` reads rssi, distance, tx, model and passes the others by. */
export const CALIBRATION_ROW_COLUMNS = [
  't',
  'id',
  'scheme',
  'distance',
  'rssi',
  'tx',
  'model',
  'position',
  'address',
] as const;

/** Host time between checks for a full sample, ms. */
const STEP_MS = 1000;

interface Row {
  t: number;
  id: string;
  scheme: string;
  rssi: number;
  address: string;
}

export function registerRadioCalibrate(radio: Command, out: Output): void {
  radioCommonOptions(
    radio
      .command('calibrate')
      .description(
        'collect labelled RSSI rows from the nearest device (strongest median RSSI) held at a known distance, in the CSV `proxsense calibrate fit` reads, with receiver model and carry position columns; --distance M is the true distance (the label; --virtual: also where the peer is)',
      ),
    300,
  )
    .option(
      '--samples <n>',
      'rows to collect (adverts of the nearest device)',
      integerOption(1, 1_000_000),
      200,
    )
    .option('--out <file.csv>', 'write the rows here (default: stdout)')
    .option(
      '--model <name>',
      "receiver model written in the model column (the calibration table's key)",
      'unknown',
    )
    .option(
      '--position <pos>',
      'how the device is carried (hand, pocket, bag, table, …), written in the position column',
      'hand',
    )
    .option(
      '--warmup <n>',
      'adverts heard in all before the nearest device is chosen',
      integerOption(1, 10_000),
      10,
    )
    .addOption(peerSchemeOption())
    .addHelpText(
      'after',
      '\nThe session ends at --samples rows or at --duration (default 300 s), whichever comes first.\n\nExamples:\n  $ proxsense radio calibrate --distance 1.5 --samples 200 --model "Raspberry Pi 4" --position table --out pi4-1.5m.csv\n  $ proxsense radio calibrate --virtual --distance 2 --samples 100 --out /tmp/cal.csv && proxsense calibrate fit /tmp/cal.csv',
    )
    .action(async (o: CalibrateOptions, command: Command) => {
      // The label must be the user's measurement: on hardware there is no default distance.
      if (!o.virtual && command.getOptionValueSource('distance') !== 'cli')
        throw new CliError(
          'radio calibrate: --distance M is required (the measured distance between the device and this receiver, m)',
        );
      if (o.distance < 0.01 || o.distance > 1000)
        throw new CliError(
          `radio calibrate: --distance: expected 0.01 to 1000 m (what calibrate fit accepts), got ${o.distance}`,
        );
      const host = await openHost(o);
      const table = new DeviceTable();
      const pending = new Map<string, Row[]>();
      let heard = 0;
      let chosen: string | undefined;
      const rows: Row[] = [];
      host.radio.onAdvert((advert) => {
        const h = heardAdvert(advert);
        if (!h || rows.length >= o.samples) return;
        const t = host.scheduler.nowMs();
        const row: Row = {
          t,
          id: h.idHex,
          scheme: h.scheme,
          rssi: h.rssiDbm,
          address: h.address ?? '',
        };
        heard++;
        if (chosen === undefined) {
          // Until the nearest device is chosen every device's rows are kept; then the chosen one's count.
          table.add(h, t);
          const list = pending.get(h.idHex) ?? [];
          list.push(row);
          pending.set(h.idHex, list);
          if (heard < o.warmup) return;
          chosen = table.rows()[0]!.idHex;
          rows.push(...pending.get(chosen)!.slice(0, o.samples));
          pending.clear();
        } else if (h.idHex === chosen) rows.push(row);
      });
      const peer = startPeer(host, o, o.peerScheme);
      host.radio.startScanning();
      // In steps, so the session ends soon after the last row (hardware: within a second).
      for (let done = 0; rows.length < o.samples && done < o.duration * 1000; done += STEP_MS)
        await host.runFor(Math.min(STEP_MS, o.duration * 1000 - done));
      host.radio.stopScanning();
      peer?.stop();
      await host.close();
      if (!rows.length)
        throw new CliError(
          `radio calibrate: no GAEN or Bluezone device heard${chosen === undefined && heard ? ` often enough to choose the nearest (${heard} of the ${o.warmup} --warmup adverts)` : ''} in ${o.duration} s; hold the device closer or raise --duration`,
          1,
        );
      const csv = formatCsv(
        [...CALIBRATION_ROW_COLUMNS],
        rows.map((r) => [
          r.t,
          r.id,
          r.scheme,
          o.distance,
          r.rssi,
          '',
          o.model,
          o.position,
          r.address,
        ]),
      );
      if (o.out === undefined) out.text(csv);
      else writeFileAtomic(o.out, csv);
      const sorted = rows.map((r) => r.rssi).sort((a, b) => a - b);
      out.warn(
        `radio calibrate: ${rows.length} of ${o.samples} rows from ${chosen} (median RSSI ${sorted[sorted.length >> 1]} dBm) at ${o.distance} m${o.out === undefined ? '' : ` written to ${o.out}`}${rows.length < o.samples ? `; --duration ${o.duration} s ended the session first` : ''}${o.virtual ? ' (virtual)' : ''}`,
      );
    });
}
