/**
 * The small sidecar index of a sealed segment (`*.idx`): how many sightings and scans it holds, their
 * time range and a sorted set of 32-bit ID fingerprints, so opening the store does not read every
 * segment and an ID query skips segments that never saw the ID. An index is only trusted when its
 * checksum holds and it covers exactly the segment's current length; otherwise the segment is rescanned.
 * It is written without fsync on purpose: a lost or torn index is detected and merely costs a rescan.
 * @module
 */
import { crc32 } from 'node:zlib';

/** What the store keeps in memory per segment. */
export interface SegmentSummary {
  /** Bytes of the segment file this summary describes (its valid length). */
  coveredBytes: number;
  sightings: number;
  scans: number;
  /** Earliest and latest sighting or scan time in the segment, ms (Infinity/-Infinity when empty). */
  minMs: number;
  maxMs: number;
  /** First four bytes of each sighting ID (little-endian u32). IDs are pseudorandom, so this is a hash. */
  fingerprints: Set<number>;
}

/** The fingerprint of an ID (its first four bytes). */
export function idFingerprint(id: Uint8Array): number {
  return ((id[0] ?? 0) | ((id[1] ?? 0) << 8) | ((id[2] ?? 0) << 16) | ((id[3] ?? 0) << 24)) >>> 0;
}

/** A fresh, empty summary. */
export function emptySummary(coveredBytes: number): SegmentSummary {
  return {
    coveredBytes,
    sightings: 0,
    scans: 0,
    minMs: Infinity,
    maxMs: -Infinity,
    fingerprints: new Set(),
  };
}

/** The index file's text. */
export function encodeSegmentIndex(s: SegmentSummary): string {
  const fps = Uint32Array.from([...s.fingerprints].sort((a, b) => a - b));
  const body = JSON.stringify({
    v: 1,
    coveredBytes: s.coveredBytes,
    sightings: s.sightings,
    scans: s.scans,
    minMs: Number.isFinite(s.minMs) ? s.minMs : null,
    maxMs: Number.isFinite(s.maxMs) ? s.maxMs : null,
    fingerprints: Buffer.from(fps.buffer, fps.byteOffset, fps.byteLength).toString('base64'),
  });
  return `${body}\n${crc32(body).toString(16)}\n`;
}

const isCount = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

/** The summary in an index file's text, or `undefined` when it is torn, tampered with or not one. */
export function decodeSegmentIndex(text: string): SegmentSummary | undefined {
  const [body, sum, rest] = text.split('\n');
  if (body === undefined || sum === undefined || (rest !== undefined && rest !== ''))
    return undefined;
  if (crc32(body).toString(16) !== sum) return undefined;
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (
    o['v'] !== 1 ||
    !isCount(o['coveredBytes']) ||
    !isCount(o['sightings']) ||
    !isCount(o['scans'])
  )
    return undefined;
  if (typeof o['fingerprints'] !== 'string') return undefined;
  const raw = Buffer.from(o['fingerprints'], 'base64');
  if (raw.length % 4 !== 0) return undefined;
  const fps = new Set<number>();
  for (let i = 0; i < raw.length; i += 4) fps.add(raw.readUInt32LE(i));
  const time = (x: unknown, empty: number) =>
    x === null ? empty : typeof x === 'number' && Number.isFinite(x) ? x : undefined;
  const minMs = time(o['minMs'], Infinity);
  const maxMs = time(o['maxMs'], -Infinity);
  if (minMs === undefined || maxMs === undefined) return undefined;
  return {
    coveredBytes: o['coveredBytes'],
    sightings: o['sightings'],
    scans: o['scans'],
    minMs,
    maxMs,
    fingerprints: fps,
  };
}
