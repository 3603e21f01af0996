/**
 * `proxsense radio replay`: a btsnoop capture or sightings JSONL → per-scan sightings → exposure
 * windows and the episode summary, with no radio.
 * @module
 */
import type { Command } from 'commander';
import {
  DEFAULT_EPISODE_CONFIG,
  formatSightingLine,
  gaenDailySummaries,
  parseEpisodeConfigJson,
  SightingFormatError,
  type DailySummary,
} from '@proxsense/core';
import { replayRecording, type ReplayResult } from '@proxsense/node-radio';
import { CliError } from '../errors.js';
import { readInputFile, readTextFile, writeFileAtomic } from '../io.js';
import { choiceOption } from '../options.js';
import type { Output } from '../output.js';

const DATALINK_NAMES: Record<number, string> = {
  1001: 'HCI',
  1002: 'HCI UART H4, Android snoop log',
  2001: 'Linux monitor, btmon -w',
};
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const BAD_LINES_SHOWN = 20;

/** The `episodes` table (one row per contact and day) on stdout. */
export function printEpisodeTable(out: Output, summaries: readonly DailySummary[]): void {
  out.line(
    'day\tcontact\twindows\tscoreSum\tweightedMin\tcloseMin\tcloseContact\tbluezoneCloseMin\tbluezoneCloseContact',
  );
  for (const s of summaries)
    out.line(
      `${s.day}\t${s.contact}\t${s.windows}\t${round(s.scoreSum)}\t${round(s.weightedDurationMinutes)}\t${round(s.closeMinutes)}\t${s.closeContact ? 'YES' : 'no'}\t${round(s.bluezoneCloseMinutes)}\t${s.bluezoneCloseContact ? 'YES' : 'no'}`,
    );
}

/** Registers `radio replay` under the `radio` group. */
export function registerRadioReplay(radio: Command, out: Output): void {
  radio
    .command('replay')
    .description(
      'replay a recording through scan aggregation and episodes: btsnoop captures (btmon -w, datalink 2001; Android HCI snoop logs, 1002) or sightings JSONL; prints the episode summary and what could not be used',
    )
    .argument(
      '<file>',
      'a btsnoop capture or a sightings JSONL file (told apart by the first bytes)',
    )
    .option('--out <sightings.jsonl>', 'write the per-scan sightings in the sightings JSONL format')
    .option(
      '--config <cfg.json>',
      'episodes settings over the defaults (scanGapS and maxScanS also cut the scans)',
    )
    .option('--scanner <name>', 'scanner name written into sightings from a capture')
    .option(
      '--on-bad-line <policy>',
      'JSONL: skip or fail',
      choiceOption(['skip', 'fail'] as const),
      'skip',
    )
    .option(
      '--json',
      'print {"format", "counts", "problems", "windows", "dailySummaries", "contacts"}',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ proxsense radio replay capture.btsnoop --out /tmp/sightings.jsonl\n  $ proxsense radio replay examples/sightings.jsonl --json',
    )
    .action(
      (
        file: string,
        o: {
          out?: string;
          config?: string;
          scanner?: string;
          onBadLine: 'skip' | 'fail';
          json?: boolean;
        },
      ) => {
        const config =
          o.config === undefined
            ? DEFAULT_EPISODE_CONFIG
            : parseEpisodeConfigJson(readTextFile(o.config, 'config'), o.config);
        const bytes = readInputFile(file, 'recording');
        let r: ReplayResult;
        try {
          r = replayRecording(bytes, file, {
            config,
            onBadLine: o.onBadLine,
            ...(o.scanner === undefined ? {} : { scanner: o.scanner }),
          });
        } catch (error) {
          if (error instanceof SightingFormatError)
            throw new CliError(`${error.message} (use --on-bad-line skip to skip bad lines)`);
          throw error;
        }
        if (o.out !== undefined)
          writeFileAtomic(o.out, r.sightings.map((s) => `${formatSightingLine(s)}\n`).join(''));
        const c = r.capture;
        const counts = {
          ...(c ?? {}),
          badLines: r.badLines.length,
          receptions: r.receptions,
          sightings: r.sightings.length,
          scans: r.scans.length,
          windows: r.windows.length,
        };
        if (o.json) {
          out.json({
            format: r.format,
            ...(r.datalink ? { datalink: r.datalink } : {}),
            counts,
            problems: [
              ...r.problems,
              ...r.badLines.slice(0, BAD_LINES_SHOWN).map((e) => e.message),
            ],
            windows: r.windows,
            dailySummaries: gaenDailySummaries(r.windows, config),
            contacts: r.summaries,
          });
        } else {
          printEpisodeTable(out, r.summaries);
        }
        for (const p of r.problems) out.warn(`note: ${p}`);
        for (const e of r.badLines.slice(0, BAD_LINES_SHOWN)) out.warn(`skipped ${e.message}`);
        if (r.badLines.length > BAD_LINES_SHOWN)
          out.warn(`skipped ${r.badLines.length - BAD_LINES_SHOWN} more bad lines of ${file}`);
        if (c) {
          out.warn(
            `${file}: btsnoop, datalink ${r.datalink} (${DATALINK_NAMES[r.datalink!]}): ${c.records} records, ${c.reports} advertising reports in ${c.advertEvents} events, ${c.otherPackets} other packets`,
          );
          out.warn(
            `unknown records ${c.unknownRecords}, truncated records ${c.truncatedRecords}, truncated events ${c.truncatedEvents}; reports dropped: ${c.advertsNotOurs} not GAEN/Bluezone, ${c.advertsMalformed} malformed, ${c.advertsNeedingGatt} needing GATT, ${c.reportsWithoutRssi} without RSSI, ${c.reportsIncompleteData} incomplete data, ${c.badTimestamps} bad timestamps`,
          );
        }
        const close = r.summaries.filter((s) => s.closeContact).length;
        out.warn(
          `${r.receptions} receptions → ${r.sightings.length} sightings in ${r.scans.length} scans → ${r.windows.length} exposure windows; ${r.summaries.length} contact-days, ${close} "too close for too long" (≤ ${config.closeContactMaxDistanceM} m for ≥ ${config.closeContactMinDurationS / 60} min)${r.format === 'sightings-jsonl' ? `; ${r.badLines.length} bad lines skipped` : ''}${o.out !== undefined ? `; sightings written to ${o.out}` : ''}`,
        );
      },
    );
}
