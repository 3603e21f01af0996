/**
 * `proxsense radio run`: the whole firmware on the radio (advertise, scan, aggregate, store, prune) until
 * stopped, on a durable `FileStore` when `--store` is given, with an exposure check at the end.
 * @module
 */
import type { Command } from 'commander';
import {
  bluezoneKeysToJson,
  bytesToHex,
  Firmware,
  formatSightingLine,
  gaenKeyToJson,
  MemoryStore,
  readDiagnosisKeyFile,
  type DiagnosisKey,
  type GaenDiagnosisKey,
  type BluezoneDiagnosisKey,
  type Sighting,
  type Store,
} from '@proxsense/core';
import { FileStore } from '@proxsense/node-radio';
import { CliError } from '../errors.js';
import { readInputFile, writeFileAtomic } from '../io.js';
import { choiceOption } from '../options.js';
import type { Output } from '../output.js';
import {
  iso,
  openHost,
  PROFILES,
  radioCommonOptions,
  randomFor,
  startPeer,
  type RadioCommonOptions,
} from './radio.js';
import { printEpisodeTable } from './radioReplay.js';

interface RunOptions extends RadioCommonOptions {
  profile: 'gaen' | 'bluezone';
  store?: string;
  checkKeys?: string;
  peerKeysOut?: string;
}

/** Time between checks for a stop request, ms of host time (virtual runs: simulated). */
const STOP_CHECK_MS = 1000;

/**
 * The store with every batch reported once it is durable: `appendSightings` of the inner store returns
 * only after its fsync (FileStore's default), so a line printed here survives a kill -9.
 */
function reportingStore(inner: Store, onStored: (sightings: readonly Sighting[]) => void): Store {
  return {
    appendSightings(sightings) {
      inner.appendSightings(sightings);
      onStored(sightings);
    },
    querySightings: (q) => inner.querySightings(q),
    ...(inner.appendScans ? { appendScans: (scans) => inner.appendScans!(scans) } : {}),
    ...(inner.queryScans ? { queryScans: (q) => inner.queryScans!(q) } : {}),
    pruneBefore: (beforeMs) => inner.pruneBefore(beforeMs),
    appendOwnKey: (key) => inner.appendOwnKey(key),
    ownKeys: () => inner.ownKeys(),
  };
}

/** Diagnosis keys as the key file `--check-keys` (and `proxsense match --keys`) reads. */
export function keysFileText(keys: readonly DiagnosisKey[]): string {
  const gaen = keys.filter((k): k is GaenDiagnosisKey => k.scheme === 'gaen');
  const bluezone = keys.filter((k): k is BluezoneDiagnosisKey => k.scheme === 'bluezone');
  return `${JSON.stringify(bluezone.length ? { data: bluezoneKeysToJson(bluezone) } : { keys: gaen.map(gaenKeyToJson) }, null, 2)}\n`;
}

export function registerRadioRun(radio: Command, out: Output): void {
  radioCommonOptions(
    radio
      .command('run')
      .description(
        'the whole firmware until stopped (Ctrl-C, SIGTERM): advertise, scan, aggregate, store, prune; --store keeps the sightings in a crash-safe FileStore; --check-keys runs an exposure check at the end',
      ),
    Infinity,
  )
    .option(
      '--profile <scheme>',
      'gaen or bluezone (duty cycle, rotation, ID scheme)',
      choiceOption(['gaen', 'bluezone'] as const),
      'gaen',
    )
    .option(
      '--store <dir>',
      'FileStore directory (created if missing; reopened and recovered if it exists); default: in memory',
    )
    .option(
      '--check-keys <file>',
      'at the end, match the stored sightings against a key file (GAEN export zip, keys JSON, Bluezone F0) and print the episode summary',
    )
    .option(
      '--peer-keys-out <file>',
      "--virtual: at the end, write the simulated peer's diagnosis keys as a key file (what it would publish)",
    )
    .addHelpText(
      'after',
      '\nSightings are printed (--json: the sightings JSONL format) once stored; with --store, durably (fsynced):\na kill -9 loses none that was printed. --json prints the exposure check as one {"exposure": …} line.\n\nExamples:\n  $ proxsense radio run --profile gaen --store /var/lib/proxsense\n  $ proxsense radio run --virtual --duration 2h --store /tmp/px --peer-keys-out /tmp/keys.json\n  $ proxsense radio run --virtual --duration 2h --check-keys /tmp/keys.json',
    )
    .action(async (o: RunOptions) => {
      if (o.peerKeysOut !== undefined && !o.virtual)
        throw new CliError(
          '--peer-keys-out needs --virtual (only a virtual run has a simulated peer)',
        );
      // A bad key file fails now, not after hours of running.
      const keys =
        o.checkKeys === undefined
          ? undefined
          : readDiagnosisKeyFile(readInputFile(o.checkKeys, 'key file'), o.checkKeys).keys;
      const fileStore = o.store === undefined ? undefined : FileStore.open(o.store);
      if (fileStore)
        for (const t of fileStore.recovery.tornTails)
          out.warn(
            `note: ${o.store}: cut a torn tail of ${t.bytes} bytes off ${t.file} (a batch in flight when the last run died)`,
          );
      let stored = 0;
      const store = reportingStore(fileStore ?? new MemoryStore(), (sightings) => {
        stored += sightings.length;
        for (const s of sightings)
          out.line(
            o.json
              ? formatSightingLine(s)
              : `${iso(s.timeMs)}  stored  ${s.scheme}  ${bytesToHex(s.id)}  ${s.rssiDbm} dBm`,
          );
      });
      let host: Awaited<ReturnType<typeof openHost>>;
      try {
        host = await openHost(o);
      } catch (error) {
        fileStore?.close();
        throw error;
      }
      const firmware = new Firmware({
        profile: PROFILES[o.profile],
        radio: host.radio,
        scheduler: host.scheduler,
        random: randomFor(o, 1),
        store,
        name: 'self',
      });
      const peer = startPeer(host, o, o.profile);
      let stopSignal: string | undefined;
      const onSignal = (signal: string) => (stopSignal = signal);
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const startMs = host.scheduler.nowMs();
      try {
        firmware.start();
        for (
          let done = 0;
          stopSignal === undefined && done < o.duration * 1000;
          done += STOP_CHECK_MS
        )
          await host.runFor(Math.min(STOP_CHECK_MS, o.duration * 1000 - done));
        firmware.stop();
        peer?.stop();
        if (o.peerKeysOut !== undefined && peer)
          writeFileAtomic(o.peerKeysOut, keysFileText(peer.ownDiagnosisKeys()));
        if (keys) {
          const e = firmware.checkExposure(keys);
          if (o.json)
            out.line(
              JSON.stringify({
                exposure: {
                  keys: keys.length,
                  matches: e.matches.length,
                  windows: e.windows.length,
                  closeContact: e.closeContact,
                  bluezoneCloseContact: e.bluezoneCloseContact,
                  contacts: e.summaries,
                },
              }),
            );
          else printEpisodeTable(out, e.summaries);
          out.warn(
            `exposure check against ${o.checkKeys}: ${keys.length} keys, ${e.matches.length} matched sightings, ${e.windows.length} exposure windows, ${e.summaries.length} contact-days; close contact: ${e.closeContact ? 'YES' : 'no'}, Bluezone close contact: ${e.bluezoneCloseContact ? 'YES' : 'no'}`,
          );
        }
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        fileStore?.close();
        await host.close();
      }
      const c = firmware.counters;
      const ranS = (host.scheduler.nowMs() - startMs) / 1000;
      out.warn(
        `radio run: ${stopSignal ? `stopped by ${stopSignal}` : 'done'} after ${ranS} s${o.virtual ? ' (virtual)' : ''}: ${c.rotations} rotations, ${c.scans} scans, ${c.advertsHeard} adverts heard (${c.advertsLogged} logged, ${c.advertsDroppedFlood} dropped by the flood cap, ${c.advertsMalformed} malformed, ${c.advertsNotOurs + c.advertsOtherScheme} other; ${host.radio.hciGuard.counters.malformedPackets} malformed HCI packets dropped), ${stored} sightings stored${o.store === undefined ? ' in memory' : ` in ${o.store}`}, ${c.sightingsPruned} pruned`,
      );
    });
}
