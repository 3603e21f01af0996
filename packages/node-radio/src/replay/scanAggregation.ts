/**
 * Scan aggregation for recorded adverts: what the firmware does live (one sighting per ID per scan, at
 * the ID's first reception in the scan, with the mean RSSI rounded to whole dBm), applied to captures.
 * A capture holds no scan boundaries the firmware would know, so scans are rebuilt from the reception
 * times per scanner exactly as `episodes` rebuilds them (core `scansFromSightings`: a gap over
 * `scanGapS`, or `maxScanS` of scanning, starts a new scan).
 * @module
 */
import {
  bytesToHex,
  scansFromSightings,
  type EpisodeConfig,
  type ScanRecord,
  type Sighting,
} from '@proxsense/core';

/** Result of {@link aggregateScans}. */
export interface ScanAggregation {
  /** One per (scan, ID), in time order. */
  sightings: Sighting[];
  /** The rebuilt scans, per scanner, in time order. */
  scans: ScanRecord[];
}

interface Aggregate {
  first: Sighting;
  count: number;
  rssiSum: number;
}

/** Aggregates raw receptions (any order) into per-scan sightings. */
export function aggregateScans(
  receptions: readonly Sighting[],
  config: Partial<Pick<EpisodeConfig, 'scanGapS' | 'maxScanS'>> = {},
): ScanAggregation {
  const scans = scansFromSightings(receptions, config);
  const byScanner = new Map<string, Sighting[]>();
  for (const s of receptions) {
    const name = s.scanner ?? '';
    let list = byScanner.get(name);
    if (!list) byScanner.set(name, (list = []));
    list.push(s);
  }
  const scansOf = new Map<string, ScanRecord[]>();
  for (const scan of scans) {
    const name = scan.scanner ?? '';
    let list = scansOf.get(name);
    if (!list) scansOf.set(name, (list = []));
    list.push(scan);
  }
  const out: Sighting[] = [];
  for (const [name, list] of byScanner) {
    // Stable by time, so equal times keep capture order (and the first reception stays first).
    const sorted = [...list].sort((a, b) => a.timeMs - b.timeMs);
    const own = scansOf.get(name) ?? [];
    let scanIndex = 0;
    let open = new Map<string, Aggregate>();
    const flush = () => {
      for (const agg of open.values()) {
        const s: Sighting = { ...agg.first, rssiDbm: Math.round(agg.rssiSum / agg.count) };
        out.push(s);
      }
      open = new Map();
    };
    for (const s of sorted) {
      while (
        scanIndex < own.length - 1 &&
        s.timeMs > own[scanIndex]!.startMs + own[scanIndex]!.durationMs
      ) {
        flush();
        scanIndex++;
      }
      const key = `${s.scheme}:${bytesToHex(s.id)}`;
      const agg = open.get(key);
      if (agg) {
        agg.count++;
        agg.rssiSum += s.rssiDbm;
      } else open.set(key, { first: s, count: 1, rssiSum: s.rssiDbm });
    }
    flush();
  }
  out.sort(
    (a, b) =>
      a.timeMs - b.timeMs ||
      cmp(a.scanner ?? '', b.scanner ?? '') ||
      cmp(bytesToHex(a.id), bytesToHex(b.id)),
  );
  return { sightings: out, scans };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
