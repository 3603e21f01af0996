/**
 * `proxsense match`: diagnosis keys against stored sightings.
 * @module
 */
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import {
  bytesToHex,
  Matcher,
  pureCryptoProvider,
  readDiagnosisKeyFile,
  verifyExportSignature,
  type BadLinePolicy,
  type Match,
  type MatchStats,
} from '@proxsense/core';
import {
  chooseMatchThreads,
  matchInParallel,
  MIN_KEYS_PER_THREAD,
  nodeCryptoProvider,
} from '@proxsense/core/node';
import { CliError } from '../errors.js';
import { readInputFile, readP256PublicKeyPem, readSightingsReporting } from '../io.js';
import { choiceOption, integerOption } from '../options.js';
import type { Output } from '../output.js';

interface MatchOptions {
  keys: string;
  sightings: string;
  json?: boolean;
  onBadLine: BadLinePolicy;
  verify?: string;
  crypto: 'node' | 'pure';
  threads?: number;
}

/** Fewest keys for a progress bar (and for a second thread: {@link chooseMatchThreads}). */
const PARALLEL_MIN_KEYS = 2 * MIN_KEYS_PER_THREAD;

/** The JSON object of one match (the CLI contract). */
export function matchToJson(m: Match): Record<string, string | number> {
  const o: Record<string, string | number> = {
    scheme: m.key.scheme,
    key: bytesToHex(m.key.scheme === 'gaen' ? m.key.keyData : m.key.dailyKey),
    interval: m.interval,
    id: bytesToHex(m.id),
    t: m.sighting.timeMs,
    rssi: m.sighting.rssiDbm,
  };
  const tx = m.sighting.txPowerDbm ?? m.decryptedTxPowerDbm;
  if (tx !== undefined) o['tx'] = tx;
  if (m.sighting.scanner !== undefined) o['scanner'] = m.sighting.scanner;
  return o;
}

/** Registers `match`. */
export function registerMatchCommand(program: Command, out: Output): void {
  program
    .command('match')
    .description(
      'report every stored sighting explained by published diagnosis keys (GAEN ± 2 h tolerance, Bluezone own slot)',
    )
    .requiredOption(
      '--keys <file>',
      'GAEN export zip, export.bin, GAEN keys JSON or Bluezone F0 JSON',
    )
    .requiredOption(
      '--sightings <file.jsonl>',
      'sightings JSONL: {"t","scheme","id","rssi","tx"?,"aem"?,"scanner"?} per line',
    )
    .option(
      '--on-bad-line <policy>',
      'skip (report each on stderr and go on) or fail',
      choiceOption(['skip', 'fail'] as const),
      'skip',
    )
    .option(
      '--verify <pem>',
      'refuse to match unless export.sig verifies with this P-256 public key (PEM)',
    )
    .option(
      '--crypto <provider>',
      'node (OpenSSL AES) or pure (the TS provider apps embed)',
      choiceOption(['node', 'pure'] as const),
      'node',
    )
    .option(
      '--threads <n>',
      `worker threads (default: one per ${MIN_KEYS_PER_THREAD / 1000} k keys whose days meet the sightings, up to every core)`,
      integerOption(1, 256),
    )
    .option(
      '--json',
      'print a JSON array, one object per matched sighting: {"scheme","key","interval","id","t","rssi","tx"?,"scanner"?}',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ proxsense match --keys examples/diagnosis-keys.zip --sightings examples/sightings.jsonl\n  $ proxsense match --keys examples/bluezone-f0.json --sightings examples/sightings.jsonl --json',
    )
    .action(async (o: MatchOptions) => {
      const keyFile = readDiagnosisKeyFile(readInputFile(o.keys, 'key file'), o.keys);
      for (const note of keyFile.notes) out.warn(`note: ${note}`);
      if (o.verify !== undefined) {
        if (keyFile.format !== 'gaen-export-zip' || !keyFile.signatures?.length)
          throw new CliError(`${o.keys}: --verify needs a signed GAEN export zip`, 1);
        if (
          !verifyExportSignature(
            { exportBin: keyFile.exportBin!, signatures: keyFile.signatures },
            readP256PublicKeyPem(o.verify),
          )
        ) {
          throw new CliError(
            `${o.keys}: export.sig does not verify with ${o.verify}; refusing to match unauthenticated keys`,
            1,
          );
        }
        out.warn(`${o.keys}: export.sig verified with ${o.verify}`);
      }
      const read = await readSightingsReporting(o.sightings, o.onBadLine, out);

      const threads = o.threads ?? chooseMatchThreads(keyFile.keys, read.sightings);
      const bar =
        out.interactive && keyFile.keys.length >= PARALLEL_MIN_KEYS
          ? new SingleBar({
              format: 'matching [{bar}] {percentage}% | {value}/{total} keys | {eta}s left',
              stream: process.stderr,
            })
          : undefined;
      bar?.start(keyFile.keys.length, 0);
      const matches: Match[] = [];
      let stats: MatchStats;
      if (threads > 1) {
        stats = await matchInParallel(keyFile.keys, read.sightings, (m) => matches.push(m), {
          threads,
          crypto: o.crypto,
          onProgress: (n) => bar?.update(n),
        });
      } else {
        const matcher = new Matcher(read.sightings, {
          crypto: o.crypto === 'node' ? nodeCryptoProvider : pureCryptoProvider,
        });
        keyFile.keys.forEach((key, i) => {
          matcher.matchKey(key, (m) => matches.push(m));
          if (bar && i % 1000 === 0) bar.update(i);
        });
        stats = matcher.stats;
      }
      bar?.update(keyFile.keys.length);
      bar?.stop();
      matches.sort((a, b) => a.sighting.timeMs - b.sighting.timeMs);

      if (o.json) out.json(matches.map(matchToJson));
      else {
        out.line('time\tscheme\tkey\tinterval\tid\trssi');
        for (const m of matches) {
          const j = matchToJson(m);
          out.line(
            `${new Date(m.sighting.timeMs).toISOString()}\t${j['scheme']}\t${j['key']}\t${j['interval']}\t${j['id']}\t${j['rssi']}`,
          );
        }
      }
      const s = stats;
      out.warn(
        `${s.matches} matched sightings from ${s.keys} keys (${s.idsDerived} IDs derived) against ${read.sightings.length} sightings on ${threads} thread${threads > 1 ? 's' : ''}; ${read.badLines.length} bad lines skipped`,
      );
    });
}
