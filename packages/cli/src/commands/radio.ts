/**
 * `proxsense radio …`: the firmware on a real BLE adapter through noble and bleno (optional native
 * packages), or with `--virtual` on virtual controllers with a simulated peer, so every command is
 * demonstrable without hardware. Subcommands register through {@link RADIO_SUBCOMMANDS}.
 * @module
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import {
  associatedEncryptedMetadata,
  associatedEncryptedMetadataKey,
  BLUEZONE_PROFILE,
  decodeGaenMetadata,
  TX_POWER_RANGE_DBM,
  Firmware,
  pureCryptoProvider,
  type GaenDiagnosisKey,
  GAEN_PROFILE,
  MemoryStore,
  SeededRandom,
  bytesToHex,
  decodeAdvert,
  hexToBytes,
  formatSightingLine,
  type FirmwareProfile,
  type Radio,
  type Random,
  type ReceivedAdvert,
  type Sighting,
} from '@proxsense/core';
import { nodeRandom } from '@proxsense/core/node';
import { openRadioHost, simChannel, type RadioHost } from '@proxsense/node-radio';
import { Channel, ScenarioSchema } from '@proxsense/sim';
import { CliError } from '../errors.js';
import { choiceOption, integerOption } from '../options.js';
import type { Output } from '../output.js';
import { DeviceTable, formatDeviceTable, heardAdvert } from './radioDevices.js';
import { registerRadioCalibrate } from './radioCalibrate.js';
import { registerRadioRecord } from './radioRecord.js';
import { registerRadioReplay } from './radioReplay.js';
import { registerRadioRun } from './radioRun.js';

/** Options every radio subcommand takes. */
export interface RadioCommonOptions {
  virtual?: boolean;
  stack: 'abandonware' | 'stoprocent';
  device?: number;
  seed: number;
  distance: number;
  duration: number;
  json?: boolean;
}

/** Adds the options every radio subcommand takes. */
/** `--peer-scheme`: what the simulated peer broadcasts under `--virtual` (scan, record, calibrate). */
export function peerSchemeOption(): Option {
  return new Option('--peer-scheme <scheme>', '--virtual: what the simulated peer broadcasts')
    .argParser(choiceOption(['gaen', 'bluezone'] as const))
    .default('gaen');
}

export function radioCommonOptions(command: Command, defaultDurationS: number): Command {
  return command
    .option(
      '--virtual',
      'run on virtual HCI controllers (unmodified noble/bleno, virtual time) with a simulated peer on hci1',
    )
    .option(
      '--stack <family>',
      'abandonware (@abandonware/noble + bleno) or stoprocent (the forks with prebuilds)',
      choiceOption(['abandonware', 'stoprocent'] as const),
      'abandonware',
    )
    .option(
      '--device <n>',
      'HCI device index (hciN); default NOBLE_HCI_DEVICE_ID / BLENO_HCI_DEVICE_ID, else hci0',
      integerOption(0, 15),
    )
    .option(
      '--seed <n>',
      '--virtual: seed of the air and the firmwares (same seed, same output)',
      integerOption(0, 2 ** 31 - 1),
      1,
    )
    .option(
      '--distance <m>',
      '--virtual: distance to the simulated peer, m (RSSI from the simulator channel model)',
      positiveNumber,
      1,
    )
    .addOption(
      new Option(
        '--duration <time>',
        'how long to run: seconds, or with a unit (90s, 5m, 2h; virtual runs: simulated time)',
      )
        .argParser(durationSeconds)
        .default(
          defaultDurationS,
          Number.isFinite(defaultDurationS) ? `${defaultDurationS} s` : 'until stopped',
        ),
    )
    .option('--json', 'one JSON object per line (JSONL) instead of text');
}

const DURATION_UNITS_S: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 };

/** A duration option: a positive number of seconds, or with a unit s, m, h or d ("60s", "1.5h"). */
export function durationSeconds(value: string): number {
  const m = /^\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*(s|m|h|d)?\s*$/i.exec(value);
  const n = m ? Number(m[1]) * DURATION_UNITS_S[(m[2] ?? '').toLowerCase()]! : NaN;
  if (!Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(
      `expected a positive duration in seconds or with a unit s, m, h or d (60, 60s, 5m), got "${value}"`,
    );
  return n;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(`expected a positive number, got "${value}"`);
  return n;
}

/** Opens the radio the options ask for (virtual runs: the simulator's fitted channel at `--distance`). */
export function openHost(o: RadioCommonOptions): Promise<RadioHost> {
  if (!o.virtual)
    return openRadioHost({
      family: o.stack,
      ...(o.device === undefined ? {} : { deviceId: o.device }),
    });
  const channel = new Channel(ScenarioSchema.shape.channel.parse(undefined), o.seed);
  return openRadioHost({
    virtual: true,
    family: o.stack,
    seed: o.seed,
    distanceM: o.distance,
    channel: simChannel(channel, new SeededRandom(o.seed ^ 0x5eed)),
  });
}

export const PROFILES: Record<'gaen' | 'bluezone', FirmwareProfile> = {
  gaen: GAEN_PROFILE,
  bluezone: BLUEZONE_PROFILE,
};

/** Virtual runs draw keys from the seed (reproducible); hardware runs from the OS CSPRNG. */
export function randomFor(o: RadioCommonOptions, stream: number): Random {
  return o.virtual ? new SeededRandom(o.seed * 7919 + stream) : nodeRandom;
}

/** The simulated peer: the real firmware on hci1 of the virtual pair (advertising and scanning). */
export function startPeer(
  host: RadioHost,
  o: RadioCommonOptions,
  scheme: 'gaen' | 'bluezone',
): Firmware | undefined {
  if (!host.peer) return undefined;
  const firmware = new Firmware({
    profile: PROFILES[scheme],
    radio: host.peer.radio,
    scheduler: host.scheduler,
    random: randomFor(o, 2),
    store: new MemoryStore(),
    name: 'peer',
  });
  firmware.start();
  return firmware;
}

export const iso = (timeMs: number) => new Date(timeMs).toISOString();

interface ScanOptions extends RadioCommonOptions {
  peerScheme: 'gaen' | 'bluezone';
  table: 'auto' | 'live' | 'lines';
  refresh: number;
}

/**
 * `radio scan`: a table of the GAEN / Bluezone devices heard (last and median RSSI, distance with its
 * interval, adverts, address), refreshed in place on a terminal; `--json`: every advert as a sighting.
 */
function registerScan(radio: Command, out: Output): void {
  radioCommonOptions(
    radio
      .command('scan')
      .description(
        'scan continuously: a live table of the GAEN / Bluezone devices around (ID, scheme, RSSI last and median, distance with its 80% interval, adverts, address); --json: every advert as a sighting line',
      ),
    10,
  )
    .addOption(peerSchemeOption())
    .option(
      '--table <mode>',
      'live (redrawn in place), lines (the table printed at every refresh) or auto (live on a terminal)',
      choiceOption(['auto', 'live', 'lines'] as const),
      'auto',
    )
    .option(
      '--refresh <s>',
      'table refresh period, s (virtual runs: simulated seconds)',
      durationSeconds,
      1,
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ proxsense radio scan --duration 60s\n  $ proxsense radio scan --virtual --peer-scheme bluezone --json',
    )
    .action(async (o: ScanOptions) => {
      const host = await openHost(o);
      const counts = { gaen: 0, bluezone: 0 };
      const table = new DeviceTable();
      host.radio.onAdvert((advert: ReceivedAdvert) => {
        const h = heardAdvert(advert);
        if (!h) return;
        counts[h.scheme]++;
        const t = host.scheduler.nowMs();
        table.add(h, t);
        if (o.json)
          out.line(
            sightingLineWithAddress(
              {
                timeMs: t,
                scheme: h.scheme,
                id: h.id,
                rssiDbm: h.rssiDbm,
                ...(h.aem ? { aem: h.aem } : {}),
              },
              h.address,
            ),
          );
      });
      const live = o.table === 'live' || (o.table === 'auto' && Boolean(process.stdout.isTTY));
      let drawnLines = 0;
      let drawnAtMs: number | undefined;
      const draw = () => {
        drawnAtMs = host.scheduler.nowMs();
        const lines = [
          `${iso(host.scheduler.nowMs())}  ${table.size} devices`,
          ...formatDeviceTable(table.rows()),
        ];
        // Live: back up over the previous drawing and clear below it (ANSI CPL + ED).
        if (live) out.text(`${drawnLines ? `\x1b[${drawnLines}F\x1b[J` : ''}${lines.join('\n')}\n`);
        else for (const l of lines) out.line(l);
        drawnLines = lines.length;
      };
      let refresh: number | undefined;
      const tick = () => {
        draw();
        refresh = host.scheduler.setTimer(host.scheduler.nowMs() + o.refresh * 1000, tick);
      };
      if (!o.json)
        refresh = host.scheduler.setTimer(host.scheduler.nowMs() + o.refresh * 1000, tick);
      // The simulated peer starts advertising before this scan, like a phone already in the room.
      const peer = startPeer(host, o, o.peerScheme);
      host.radio.startScanning();
      await host.runFor(o.duration * 1000);
      host.radio.stopScanning();
      if (refresh !== undefined) host.scheduler.cancelTimer(refresh);
      if (!o.json && drawnAtMs !== host.scheduler.nowMs()) draw();
      peer?.stop();
      const c = host.radio.scanner.counters;
      await host.close();
      out.warn(
        `radio scan: ${table.size} devices, ${counts.gaen} GAEN and ${counts.bluezone} Bluezone adverts in ${o.duration} s; ${c.notOurs} other and ${c.malformed} malformed dropped, ${host.radio.hciGuard.counters.malformedPackets} malformed HCI packets dropped; ${c.restarts} scan restarts${o.virtual ? ' (virtual)' : ''}`,
      );
    });
}

/** A sighting line (the sightings JSONL format) with the advertiser's address as an extra field. */
export function sightingLineWithAddress(s: Sighting, address: string | undefined): string {
  const line = formatSightingLine(s);
  return address ? `${line.slice(0, -1)},"address":"${address}"}` : line;
}

interface AdvertiseOptions extends RadioCommonOptions {
  scheme: 'gaen' | 'bluezone';
  key?: string;
  txPower: number;
}

/** Key bytes of each scheme: the GAEN TEK, the Bluezone daily key. */
const KEY_BYTES = { gaen: 16, bluezone: 32 } as const;

/**
 * The firmware's randomness with its first key fixed: the firmware draws its first TEK (16 bytes) or
 * Bluezone daily key (32 bytes) as its first draw of that length (addresses take 6, delays 4), so the
 * first such draw returns `key`; later keys (the next day's TEK) are drawn as usual.
 */
export function withFirstKey(random: Random, key: Uint8Array | undefined): Random {
  let pending = key;
  return {
    randomBytes(n: number): Uint8Array {
      if (pending && n === pending.length) {
        const k = pending;
        pending = undefined;
        return k.slice();
      }
      return random.randomBytes(n);
    },
  };
}

/** Parses `--key` for a scheme; a usage error names the expected length. */
export function keyOption(
  hex: string | undefined,
  scheme: 'gaen' | 'bluezone',
): Uint8Array | undefined {
  if (hex === undefined) return undefined;
  const digits = KEY_BYTES[scheme] * 2;
  if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(hex))
    throw new CliError(
      `--key: expected ${digits} hex digits (the ${scheme === 'gaen' ? 'GAEN temporary exposure key, 16 bytes' : 'Bluezone daily key, 32 bytes'}), got "${hex}"`,
    );
  return hexToBytes(hex);
}

/** `radio advertise`: the firmware's advertising (IDs and addresses rotating together), scanning off. */
function registerAdvertise(radio: Command, out: Output): void {
  radioCommonOptions(
    radio
      .command('advertise')
      .description(
        "run the firmware's advertising: exact GAEN / Bluezone bytes, non-connectable, a new random address at every ID rotation",
      ),
    1800,
  )
    .option(
      '--scheme <scheme>',
      'gaen or bluezone',
      choiceOption(['gaen', 'bluezone'] as const),
      'gaen',
    )
    .option(
      '--key <hex>',
      'the first key instead of a random one: GAEN TEK (32 hex digits) or Bluezone daily key (64)',
    )
    .option(
      '--tx-power <dBm>',
      'calibrated TX power written in the GAEN metadata (AEM), dBm',
      integerOption(TX_POWER_RANGE_DBM[0], TX_POWER_RANGE_DBM[1]),
      -24,
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ proxsense radio advertise --scheme gaen --duration 3600\n  $ proxsense radio advertise --virtual --scheme bluezone --duration 3600 --json',
    )
    .action(async (o: AdvertiseOptions) => {
      const key = keyOption(o.key, o.scheme);
      const host = await openHost(o);
      const ownStore = new MemoryStore();
      const ids = new Set<string>();
      const intervalOf = new Map<string, number>();
      // Set once the firmware exists; advertising it starts while being built is not a rotation yet.
      let firmware: Firmware | undefined = undefined;
      let lastAddress = '';
      // Advertising only (the firmware's scan windows go nowhere); each new address on air is a rotation.
      const advertiseOnly: Radio = {
        startAdvertising: (payload, address) => {
          host.radio.startAdvertising(payload, address);
          const hex = bytesToHex(address);
          if (hex === lastAddress || !firmware) return;
          lastAddress = hex;
          const b = firmware.currentBroadcast()!;
          const t = host.scheduler.nowMs();
          const id = bytesToHex(b.id);
          const shown = bytesToHex(address.slice().reverse()).replace(/(..)(?!$)/g, '$1:');
          ids.add(id);
          intervalOf.set(id, b.interval);
          if (o.json)
            out.line(
              JSON.stringify({ t, scheme: o.scheme, interval: b.interval, id, address: shown }),
            );
          else out.line(`${iso(t)}  ${o.scheme}  interval ${b.interval}  ${id}  from ${shown}`);
        },
        stopAdvertising: () => host.radio.stopAdvertising(),
        startScanning: () => {},
        stopScanning: () => {},
        onAdvert: () => {},
      };
      firmware = new Firmware({
        profile: PROFILES[o.scheme],
        radio: advertiseOnly,
        scheduler: host.scheduler,
        random: withFirstKey(randomFor(o, 1), key),
        store: ownStore,
        name: 'self',
        txPowerDbm: o.txPower,
      });
      // With --virtual the peer on hci1 scans continuously and counts which of our IDs it heard.
      const peerHeard = new Set<string>();
      const peerAem = new Map<string, Uint8Array>();
      let peerAdverts = 0;
      if (host.peer) {
        host.peer.radio.onAdvert((advert) => {
          const d = decodeAdvert(advert.payload);
          if (d.kind === 'gaen' || d.kind === 'bluezone') {
            peerAdverts++;
            const id = bytesToHex(d.kind === 'gaen' ? d.rpi : d.id);
            peerHeard.add(id);
            if (d.kind === 'gaen' && !peerAem.has(id)) peerAem.set(id, d.aem);
          }
        });
        host.peer.radio.startScanning();
      }
      firmware.start();
      await host.runFor(o.duration * 1000);
      firmware.stop();
      host.peer?.radio.stopScanning();
      const a = host.radio.advertiser.counters;
      const failed = host.radio.advertiser.lastError;
      await host.close();
      const peerNote = host.peer
        ? `; the peer heard ${peerAdverts} adverts carrying ${[...ids].filter((id) => peerHeard.has(id)).length} of the ${ids.size} IDs`
        : '';
      // The metadata as it went over the air: the heard AEMs decrypted with this device's own TEKs.
      const txHeard = new Set<number>();
      for (const [id, aem] of peerAem) {
        const interval = intervalOf.get(id);
        const tek = ownStore
          .ownKeys()
          .find(
            (k): k is GaenDiagnosisKey =>
              k.scheme === 'gaen' &&
              interval !== undefined &&
              interval >= k.rollingStartIntervalNumber &&
              interval < k.rollingStartIntervalNumber + k.rollingPeriod,
          );
        if (tek)
          txHeard.add(
            decodeGaenMetadata(
              associatedEncryptedMetadata(
                pureCryptoProvider,
                associatedEncryptedMetadataKey(pureCryptoProvider, tek.keyData),
                hexToBytes(id),
                aem,
              ),
            ).txPowerDbm,
          );
      }
      const txNote = txHeard.size
        ? `; metadata TX power in the heard adverts: ${[...txHeard].join(', ')} dBm`
        : '';
      out.warn(
        `radio advertise: ${ids.size} IDs, ${a.addressChanges} address changes, ${a.failures} failed sequences${failed ? ` (last: ${failed.message})` : ''}${peerNote}${txNote}`,
      );
    });
}

/** The radio subcommands, in help order. */
export const RADIO_SUBCOMMANDS: ((radio: Command, out: Output) => void)[] = [
  registerScan,
  registerAdvertise,
  registerRadioRun,
  registerRadioRecord,
  registerRadioReplay,
  registerRadioCalibrate,
];

/** Registers the `radio` command group. */
export function registerRadioCommands(program: Command, out: Output): void {
  const radio = program
    .command('radio')
    .description(
      'the firmware on a BLE adapter through noble/bleno (Linux; optional native packages), or --virtual without hardware',
    );
  for (const register of RADIO_SUBCOMMANDS) register(radio, out);
}
