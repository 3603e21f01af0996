/**
 * `proxsense episodes`: sightings → exposure windows → daily summaries and verdicts.
 * @module
 */
import type { Command } from 'commander';
import {
  contactsFromMatches,
  dailySummaries,
  DEFAULT_EPISODE_CONFIG,
  exposureWindows,
  gaenDailySummaries,
  Matcher,
  scansFromSightings,
  parseEpisodeConfigJson,
  readDiagnosisKeyFile,
  type BadLinePolicy,
  type ContactInfo,
  type Sighting,
} from '@proxsense/core';
import { nodeCryptoProvider } from '@proxsense/core/node';
import { readInputFile, readSightingsReporting, readTextFile } from '../io.js';
import { choiceOption } from '../options.js';
import type { Output } from '../output.js';

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Registers `episodes`. */
export function registerEpisodesCommand(program: Command, out: Output): void {
  program
    .command('episodes')
    .description(
      'group sightings into GAEN exposure windows (one contact per scanner, < 30 min from the first sighting), score them as GAEN v2, and give daily "too close for too long" and Bluezone verdicts per contact',
    )
    .requiredOption('--sightings <file.jsonl>', 'sightings JSONL')
    .option(
      '--config <cfg.json>',
      'settings over the defaults (bucket thresholds and weights, report-type weights, close-contact distance and minutes, path-loss model …)',
    )
    .option(
      '--keys <file>',
      'diagnosis keys: keep only matched sightings and treat each key as one contact (else each rotating ID is its own contact)',
    )
    .option(
      '--on-bad-line <policy>',
      'skip or fail',
      choiceOption(['skip', 'fail'] as const),
      'skip',
    )
    .option(
      '--json',
      'print {"windows": [...], "dailySummaries": [...], "contacts": [...]} (GAEN ExposureWindow and DailySummary fields, plus per-contact days)',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ proxsense episodes --sightings examples/sightings.jsonl --keys examples/diagnosis-keys.zip\n  $ proxsense episodes --sightings examples/sightings.jsonl --config examples/episodes-config.json --json',
    )
    .action(
      async (o: {
        sightings: string;
        config?: string;
        keys?: string;
        onBadLine: BadLinePolicy;
        json?: boolean;
      }) => {
        const config =
          o.config === undefined
            ? DEFAULT_EPISODE_CONFIG
            : parseEpisodeConfigJson(readTextFile(o.config, 'config'), o.config);
        const read = await readSightingsReporting(o.sightings, o.onBadLine, out);
        let sightings: Sighting[] = read.sightings;
        let contactOf: ((s: Sighting, idHex: string) => ContactInfo) | undefined;
        let calibrationConfidenceOf: ((s: Sighting) => number | undefined) | undefined;
        // A sightings file holds no scan records: scans are rebuilt from every sighting, before matching
        // keeps only some, so scans that heard only other phones still count as previous scans.
        const scans = scansFromSightings(sightings, config);
        if (o.keys !== undefined) {
          const keyFile = readDiagnosisKeyFile(readInputFile(o.keys, 'key file'), o.keys);
          for (const note of keyFile.notes) out.warn(`note: ${note}`);
          const matcher = new Matcher(sightings, { crypto: nodeCryptoProvider });
          const matched = contactsFromMatches(matcher.matchAll(keyFile.keys));
          if (matcher.stats.keysIgnoredReportType)
            out.warn(
              `${matcher.stats.keysIgnoredReportType} RECURSIVE or REVOKED keys ignored, as GAEN ignores them`,
            );
          sightings = matched.sightings;
          contactOf = matched.contactOf;
          calibrationConfidenceOf = matched.calibrationConfidenceOf;
        }
        const input = calibrationConfidenceOf ? { scans, calibrationConfidenceOf } : { scans };
        const windows = exposureWindows(sightings, config, contactOf, input);
        const summaries = dailySummaries(windows, config);
        if (o.json) {
          out.json({
            windows,
            dailySummaries: gaenDailySummaries(windows, config),
            contacts: summaries,
          });
        } else {
          out.line(
            'day\tcontact\twindows\tscoreSum\tweightedMin\tcloseMin\tcloseContact\tbluezoneCloseMin\tbluezoneCloseContact',
          );
          for (const s of summaries)
            out.line(
              `${s.day}\t${s.contact}\t${s.windows}\t${round(s.scoreSum, 1)}\t${round(s.weightedDurationMinutes, 1)}\t${round(s.closeMinutes, 1)}\t${s.closeContact ? 'YES' : 'no'}\t${round(s.bluezoneCloseMinutes, 1)}\t${s.bluezoneCloseContact ? 'YES' : 'no'}`,
            );
        }
        const close = summaries.filter((s) => s.closeContact).length;
        out.warn(
          `${windows.length} exposure windows from ${sightings.length} sightings; ${summaries.length} contact-days, ${close} "too close for too long" (≤ ${config.closeContactMaxDistanceM} m for ≥ ${config.closeContactMinDurationS / 60} min); ${read.badLines.length} bad lines skipped`,
        );
      },
    );
}
