/**
 * `proxsense risk`: exposure windows → a national rule's verdict (GAEN daily summaries, Corona-Warn-App,
 * Bluezone app).
 * @module
 */
import type { Command } from 'commander';
import {
  bluezoneRisk,
  CWA_DEFAULT_PARAMETERS,
  cwaRisk,
  DEFAULT_EPISODE_CONFIG,
  gaenDailySummaries,
  gaenWindowScore,
  parseBluezoneRuleJson,
  parseCwaParametersJson,
  parseEpisodeConfigJson,
  parseWindowsJson,
  RiskInputError,
} from '@proxsense/core';
import { CliError } from '../errors.js';
import { readTextFile } from '../io.js';
import { choiceOption } from '../options.js';
import type { Output } from '../output.js';

/** Registers `risk`. */
export function registerRiskCommand(program: Command, out: Output): void {
  program
    .command('risk')
    .description(
      "evaluate exposure windows with a rule set: gaen (daily summaries and scores), cwa (Corona-Warn-App risk calculation), bluezone (the app's RSSI rule)",
    )
    .requiredOption(
      '--windows <file.json>',
      'exposure windows: what `episodes --json` prints, or a bare array of windows',
    )
    .requiredOption(
      '--rules <set>',
      'gaen, cwa or bluezone',
      choiceOption(['gaen', 'cwa', 'bluezone'] as const),
    )
    .option(
      '--config <file.json>',
      'gaen: an episodes config (dailySummariesConfig …); cwa: CWA parameters over the built-in defaults; bluezone: {"bluezonePlatformPair", "bluezonePlatformPairByContact"}',
    )
    .option(
      '--today <YYYY-MM-DD>',
      'the day ages count from (cwa; gaen daysSinceExposureThreshold); default: today (UTC)',
    )
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ proxsense episodes --sightings examples/sightings.jsonl --keys examples/diagnosis-keys.zip --json > /tmp/w.json\n  $ proxsense risk --windows /tmp/w.json --rules cwa --today 2020-07-23 --json\n  $ proxsense risk --windows /tmp/w.json --rules bluezone',
    )
    .action((o: RiskOptions) => {
      try {
        evaluate(o);
      } catch (error) {
        // The rules check windows as they read them and name the field, not the file: add it.
        if (error instanceof RiskInputError && error.source === 'windows')
          throw new CliError(
            `${o.windows}: windows${error.problem.startsWith('[') ? '' : ': '}${error.problem}`,
          );
        throw error;
      }
    });

  function evaluate(o: RiskOptions): void {
    let todayMs = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    if (o.today !== undefined) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(o.today) || Number.isNaN(Date.parse(o.today)))
        throw new CliError(`--today: expected a date YYYY-MM-DD, got "${o.today}"`);
      todayMs = Date.parse(o.today);
    }
    const windows = parseWindowsJson(readTextFile(o.windows, 'windows'), o.windows);
    const configText = o.config === undefined ? undefined : readTextFile(o.config, 'config');
    if (o.rules === 'gaen') {
      const config =
        configText === undefined
          ? DEFAULT_EPISODE_CONFIG
          : parseEpisodeConfigJson(configText, o.config);
      const dailySummaries = gaenDailySummaries(windows, config, { todayMs });
      const scores = windows.map((w) => gaenWindowScore(w, config));
      if (o.json) return out.json({ rules: 'gaen', dailySummaries, windows: scores });
      out.line('day\tscoreSum\tmaximumScore\tweightedDurationSum');
      for (const d of dailySummaries)
        out.line(
          `${d.day}\t${d.summaryData.scoreSum}\t${d.summaryData.maximumScore}\t${d.summaryData.weightedDurationSum}`,
        );
      return;
    }
    if (o.rules === 'cwa') {
      const params =
        configText === undefined
          ? CWA_DEFAULT_PARAMETERS
          : parseCwaParametersJson(configText, o.config!);
      const result = cwaRisk(windows, params, todayMs);
      if (o.json) return out.json({ rules: 'cwa', ...result });
      out.line(`totalRiskLevel: ${result.totalRiskLevel === 2 ? 'HIGH (2)' : 'LOW (1)'}`);
      out.line(
        `days with high risk: ${result.numberOfDaysWithHighRisk} (most recent ${result.ageOfMostRecentDateWithHighRisk ?? '-'} days ago), low risk: ${result.numberOfDaysWithLowRisk} (most recent ${result.ageOfMostRecentDateWithLowRisk ?? '-'} days ago)`,
      );
      out.line(
        `minimum distinct encounters: high ${result.totalMinimumDistinctEncountersWithHighRisk}, low ${result.totalMinimumDistinctEncountersWithLowRisk}`,
      );
      out.line('date\tnormalizedTime\triskLevel');
      for (const d of result.days)
        out.line(`${d.date}\t${Math.round(d.normalizedTime * 100) / 100}\t${d.riskLevel}`);
      return;
    }
    const config =
      configText === undefined ? undefined : parseBluezoneRuleJson(configText, o.config!);
    const result = bluezoneRisk(windows, config);
    if (o.json) return out.json({ rules: 'bluezone', ...result });
    out.line('date\tcontact\tplatformPair\tthresholdDbm\tmaxRssiDbm\tcloseContact');
    for (const c of result.contacts)
      out.line(
        `${c.date}\t${c.contact}\t${c.platformPair}\t${c.thresholdDbm}\t${c.maxRssiDbm}\t${c.closeContact ? 'YES' : 'no'}`,
      );
  }
}

interface RiskOptions {
  windows: string;
  rules: 'gaen' | 'cwa' | 'bluezone';
  config?: string;
  today?: string;
  json?: boolean;
}
