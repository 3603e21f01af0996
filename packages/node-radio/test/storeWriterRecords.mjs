// The sighting the kill -9 test's writer appends as record number `i` (shared by writer and checker).
export const SEGMENT_MS = 60_000;
export const T0_MS = Date.UTC(2020, 6, 20, 9);
export const STEP_MS = 997;

export function expectedSighting(i) {
  const gaen = i % 2 === 0;
  const id = new Uint8Array(gaen ? 16 : 12);
  let x = (i * 2654435761 + 1) >>> 0;
  for (let k = 0; k < id.length; k++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    id[k] = x & 0xff;
  }
  const s = {
    timeMs: T0_MS + i * STEP_MS,
    scheme: gaen ? 'gaen' : 'bluezone',
    id,
    rssiDbm: -30 - (i % 90),
  };
  if (i % 3 === 0) s.txPowerDbm = -(i % 20);
  if (gaen) s.aem = id.slice(0, 4);
  if (i % 5 !== 0) s.scanner = `writer-${i % 7}`;
  return s;
}
