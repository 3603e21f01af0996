/**
 * Converts the Herald "edison" reference data (../shared/data/herald-edison-rssi.csv.gz) into the RSSI
 * rows `calibrate fit` / `calibrate evaluate` read: id, t, rssi, distance, model, tx_model.
 * One series (`id`) = one test × receiver × transmitter × distance. Rows closer than 10 cm are dropped
 * (phones touching saturate). `--every N` keeps every Nth row of each series (deterministic).
 *
 *   npx tsx packages/cli/scripts/herald-rows.ts [--shared ../shared] [--every N] > /tmp/herald.csv
 * @module
 */
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';

/** Streams the converted CSV text (header first) to `write`; resolves to the rows written. */
export async function heraldRows(
  gzPath: string,
  every: number,
  write: (chunk: string) => void,
): Promise<number> {
  const lines = createInterface({
    input: createReadStream(gzPath).pipe(createGunzip()),
    crlfDelay: Infinity,
  });
  let header: string[] | undefined;
  const seen = new Map<string, number>();
  let written = 0;
  let buffer = 'id,t,rssi,distance,model,tx_model\n';
  for await (const line of lines) {
    if (!line) continue;
    const cells = line.split(',');
    if (!header) {
      header = cells;
      continue;
    }
    const get = (name: string) => cells[header!.indexOf(name)]!;
    const distanceCm = Number(get('distance_cm'));
    if (!(distanceCm >= 10)) continue;
    const id = `${get('testid')}-${get('receiver')}-${get('transmitter')}-${distanceCm}cm`;
    const k = seen.get(id) ?? 0;
    seen.set(id, k + 1);
    if (k % every !== 0) continue;
    const t = Date.parse(`${get('time').replace(' ', 'T')}Z`);
    if (!Number.isFinite(t)) continue;
    buffer += `${id},${t},${get('rssi_dbm')},${distanceCm / 100},${get('receiver_model')},${get('transmitter_model')}\n`;
    written++;
    if (buffer.length > 1 << 16) {
      write(buffer);
      buffer = '';
    }
  }
  write(buffer);
  return written;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const arg = (name: string, fallback: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1]! : fallback;
  };
  const shared = arg('--shared', '../shared');
  const every = Number(arg('--every', '1'));
  if (!(Number.isInteger(every) && every >= 1)) {
    process.stderr.write(`herald-rows: --every: expected a positive integer, got ${every}\n`);
    process.exit(2);
  }
  await heraldRows(resolve(shared, 'data/herald-edison-rssi.csv.gz'), every, (chunk) =>
    process.stdout.write(chunk),
  );
}
