/**
 * Replay of a recording through scan aggregation and the core episode logic, with no radio: a btsnoop
 * capture (`btmon -w`, Android's HCI snoop log) or a sightings JSONL file in, per-scan sightings,
 * exposure windows and daily summaries out, with every record that could not be used counted.
 * @module
 */
import {
  dailySummaries,
  DEFAULT_EPISODE_CONFIG,
  exposureWindows,
  FileFormatError,
  parseSightingsLines,
  type DailySummary,
  type EpisodeConfig,
  type ExposureWindow,
  type ScanRecord,
  type Sighting,
  type SightingFormatError,
} from '@proxsense/core';
import { BTSNOOP_MAGIC, type Datalink } from '../btsnoop/format.js';
import { readBtsnoop, type CaptureCounts } from '../btsnoop/reader.js';
import { aggregateScans } from './scanAggregation.js';

/** Options of {@link replayRecording}. */
export interface ReplayOptions {
  /** Episode settings; default core's defaults. */
  config?: EpisodeConfig;
  /** `scanner` written into sightings from a capture (JSONL keeps its own); default none. */
  scanner?: string;
  /** JSONL only: `'skip'` (default) collects bad lines in `badLines`; `'fail'` throws on the first. */
  onBadLine?: 'skip' | 'fail';
}

/** What a replay produced. */
export interface ReplayResult {
  format: 'btsnoop' | 'sightings-jsonl';
  /** btsnoop only. */
  datalink?: Datalink;
  /** btsnoop only: what the capture held, by kind (unknown and truncated records included). */
  capture?: CaptureCounts;
  /** btsnoop only: the first problems found, each with its record number. */
  problems: string[];
  /** JSONL only: lines that were not sightings, each with its line number. */
  badLines: SightingFormatError[];
  /** Sightings before aggregation: one per advert report (btsnoop) or per line (JSONL). */
  receptions: number;
  /** One per (scan, ID): what `--out` writes. */
  sightings: Sighting[];
  scans: ScanRecord[];
  windows: ExposureWindow[];
  summaries: DailySummary[];
}

/** Whether bytes start like a btsnoop file. */
export function isBtsnoop(bytes: Uint8Array): boolean {
  return bytes.length >= BTSNOOP_MAGIC.length && BTSNOOP_MAGIC.every((b, i) => bytes[i] === b);
}

/**
 * Replays one recording (the format is told by its first bytes). @throws FileFormatError when the file
 * is a btsnoop file of an unsupported kind, or holds no sightings and no line of it is one.
 */
export function replayRecording(
  bytes: Uint8Array,
  source: string,
  options: ReplayOptions = {},
): ReplayResult {
  const config = options.config ?? DEFAULT_EPISODE_CONFIG;
  let raw: Sighting[];
  let result: Pick<ReplayResult, 'format' | 'datalink' | 'capture' | 'problems' | 'badLines'>;
  if (isBtsnoop(bytes)) {
    const capture = readBtsnoop(
      bytes,
      source,
      options.scanner === undefined ? {} : { scanner: options.scanner },
    );
    raw = capture.sightings.map((s) => s.sighting);
    result = {
      format: 'btsnoop',
      datalink: capture.datalink,
      capture: capture.counts,
      problems: capture.problems,
      badLines: [],
    };
  } else {
    const text = new TextDecoder().decode(bytes);
    const read = parseSightingsLines(text.split(/\r?\n/), {
      source,
      onBadLine: options.onBadLine ?? 'skip',
    });
    if (read.sightings.length === 0 && read.badLines.length > 0) {
      throw new FileFormatError(
        source,
        `expected a btsnoop capture (header "btsnoop\\0") or sightings JSONL, got neither (${read.badLines[0]!.message})`,
      );
    }
    raw = read.sightings;
    result = { format: 'sightings-jsonl', problems: [], badLines: read.badLines };
  }
  const { sightings, scans } = aggregateScans(raw, config);
  const windows = exposureWindows(sightings, config, undefined, { scans });
  return {
    ...result,
    receptions: raw.length,
    sightings,
    scans,
    windows,
    summaries: dailySummaries(windows, config),
  };
}
