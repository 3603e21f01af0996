/**
 * `proxsense radio …`: the firmware on a real BLE adapter through noble and bleno (optional native
 * packages), or with `--virtual` on virtual controllers with a simulated peer, so every command is
 * demonstrable without hardware. Subcommands register through {@link RADIO_SUBCOMMANDS}.
 * @module
 */
import { InvalidArgumentError, type Command } from 'commander';
import { BLUEZONE_PROFILE, Firmware, GAEN_PROFILE, MemoryStore, SeededRandom, bytesToHex, decodeAdvert, type FirmwareProfile, type Radio, type Random, type ReceivedAdvert } from '@proxsense/core';
import { nodeRandom } from '@proxsense/core/node';
import { openRadioHost, simChannel, type RadioHost } from '@proxsense/node-radio';
import { Channel, ScenarioSchema } from '@proxsense/sim';
import { choiceOption, integerOption } from '../options.js';
import type { Output } from '../output.js';
import { registerRadioReplay } from './radioReplay.js';

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
export function radioCommonOptions(command: Command, defaultDurationS: number): Command {
  return command
    .option('--virtual', 'run on virtual HCI controllers (unmodified noble/bleno, virtual time) with a simulated peer on hci1')
    .option('--stack <family>', 'abandonware (@abandonware/noble + bleno) or stoprocent (the forks with prebuilds)', choiceOption(['abandonware', 'stoprocent'] as const), 'abandonware')
    .option('--device <n>', 'HCI device index (hciN); default NOBLE_HCI_DEVICE_ID / BLENO_HCI_DEVICE_ID, else hci0', integerOption(0, 15))
    .option('--seed <n>', '--virtual: seed of the air and the firmwares (same seed, same output)', integerOption(0, 2 ** 31 - 1), 1)
    .option('--distance <m>', '--virtual: distance to the simulated peer, m (RSSI from the simulator channel model)', positiveNumber, 1)
    .option('--duration <s>', `how long to run, s (virtual runs: simulated seconds); default ${defaultDurationS}`, positiveNumber, defaultDurationS)
    .option('--json', 'one JSON object per line (JSONL) instead of text');
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a positive number, got "${value}"`);
  return n;
}

/** Opens the radio the options ask for (virtual runs: the simulator's fitted channel at `--distance`). */
export function openHost(o: RadioCommonOptions): Promise<RadioHost> {
  if (!o.virtual) return openRadioHost({ family: o.stack, ...(o.device === undefined ? {} : { deviceId: o.device }) });
  const channel = new Channel(ScenarioSchema.shape.channel.parse(undefined), o.seed);
  return openRadioHost({ virtual: true, family: o.stack, seed: o.seed, distanceM: o.distance, channel: simChannel(channel, new SeededRandom(o.seed ^ 0x5eed)) });
}

const PROFILES: Record<'gaen' | 'bluezone', FirmwareProfile> = { gaen: GAEN_PROFILE, bluezone: BLUEZONE_PROFILE };

/** Virtual runs draw keys from the seed (reproducible); hardware runs from the OS CSPRNG. */
function randomFor(o: RadioCommonOptions, stream: number): Random {
  return o.virtual ? new SeededRandom(o.seed * 7919 + stream) : nodeRandom;
}

/** The simulated peer: the real firmware on hci1 of the virtual pair (advertising and scanning). */
function startPeer(host: RadioHost, o: RadioCommonOptions, scheme: 'gaen' | 'bluezone'): Firmware | undefined {
  if (!host.peer) return undefined;
  const firmware = new Firmware({ profile: PROFILES[scheme], radio: host.peer.radio, scheduler: host.scheduler, random: randomFor(o, 2), store: new MemoryStore(), name: 'peer' });
  firmware.start();
  return firmware;
}

const iso = (timeMs: number) => new Date(timeMs).toISOString();

interface ScanOptions extends RadioCommonOptions {
  peerScheme: 'gaen' | 'bluezone';
}

/** `radio scan`: every GAEN/Bluezone advert heard, continuously (duplicates allowed). */
function registerScan(radio: Command, out: Output): void {
  radioCommonOptions(radio.command('scan').description('scan continuously and print every GAEN / Bluezone advert heard (ID, RSSI, address)'), 10)
    .option('--peer-scheme <scheme>', '--virtual: what the simulated peer broadcasts', choiceOption(['gaen', 'bluezone'] as const), 'gaen')
    .addHelpText('after', '\nExamples:\n  $ proxsense radio scan --duration 30\n  $ proxsense radio scan --virtual --peer-scheme bluezone --json')
    .action(async (o: ScanOptions) => {
      const host = await openHost(o);
      const counts = { gaen: 0, bluezone: 0 };
      host.radio.onAdvert((advert: ReceivedAdvert) => {
        const d = decodeAdvert(advert.payload);
        if (d.kind !== 'gaen' && d.kind !== 'bluezone') return;
        counts[d.kind]++;
        const id = bytesToHex(d.kind === 'gaen' ? d.rpi : d.id);
        const address = advert.address ? bytesToHex(advert.address.slice().reverse()).replace(/(..)(?!$)/g, '$1:') : undefined;
        const t = host.scheduler.nowMs();
        if (o.json) out.line(JSON.stringify({ t, scheme: d.kind, id, rssi: advert.rssiDbm, ...(address ? { address } : {}) }));
        else out.line(`${iso(t)}  ${d.kind.padEnd(8)}  ${id}  ${String(advert.rssiDbm).padStart(4)} dBm  ${address ?? ''}`);
      });
      // The simulated peer starts advertising before this scan, like a phone already in the room.
      const peer = startPeer(host, o, o.peerScheme);
      host.radio.startScanning();
      await host.runFor(o.duration * 1000);
      host.radio.stopScanning();
      peer?.stop();
      const c = host.radio.scanner.counters;
      await host.close();
      out.warn(`radio scan: ${counts.gaen} GAEN and ${counts.bluezone} Bluezone adverts in ${o.duration} s; ${c.notOurs} other and ${c.malformed} malformed dropped; ${c.restarts} scan restarts${o.virtual ? ' (virtual)' : ''}`);
    });
}

interface AdvertiseOptions extends RadioCommonOptions {
  scheme: 'gaen' | 'bluezone';
}

/** `radio advertise`: the firmware's advertising (IDs and addresses rotating together), scanning off. */
function registerAdvertise(radio: Command, out: Output): void {
  radioCommonOptions(radio.command('advertise').description("run the firmware's advertising: exact GAEN / Bluezone bytes, non-connectable, a new random address at every ID rotation"), 1800)
    .option('--scheme <scheme>', 'gaen or bluezone', choiceOption(['gaen', 'bluezone'] as const), 'gaen')
    .addHelpText('after', '\nExamples:\n  $ proxsense radio advertise --scheme gaen --duration 3600\n  $ proxsense radio advertise --virtual --scheme bluezone --duration 3600 --json')
    .action(async (o: AdvertiseOptions) => {
      const host = await openHost(o);
      // Advertising only: the firmware's scan windows go nowhere.
      const advertiseOnly: Radio = { startAdvertising: (p, a) => host.radio.startAdvertising(p, a), stopAdvertising: () => host.radio.stopAdvertising(), startScanning: () => {}, stopScanning: () => {}, onAdvert: () => {} };
      const firmware = new Firmware({ profile: PROFILES[o.scheme], radio: advertiseOnly, scheduler: host.scheduler, random: randomFor(o, 1), store: new MemoryStore(), name: 'self' });
      const rotate = (firmware as unknown as { rotate(): void }).rotate.bind(firmware);
      const ids = new Set<string>();
      (firmware as unknown as { rotate(): void }).rotate = () => {
        rotate();
        const b = firmware.currentBroadcast()!;
        const t = host.scheduler.nowMs();
        const id = bytesToHex(b.id);
        const address = bytesToHex(b.address.slice().reverse()).replace(/(..)(?!$)/g, '$1:');
        ids.add(id);
        if (o.json) out.line(JSON.stringify({ t, scheme: o.scheme, interval: b.interval, id, address }));
        else out.line(`${iso(t)}  ${o.scheme}  interval ${b.interval}  ${id}  from ${address}`);
      };
      // With --virtual the peer on hci1 scans continuously and counts which of our IDs it heard.
      const peerHeard = new Set<string>();
      let peerAdverts = 0;
      if (host.peer) {
        host.peer.radio.onAdvert((advert) => {
          const d = decodeAdvert(advert.payload);
          if (d.kind === 'gaen' || d.kind === 'bluezone') {
            peerAdverts++;
            peerHeard.add(bytesToHex(d.kind === 'gaen' ? d.rpi : d.id));
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
      const peerNote = host.peer ? `; the peer heard ${peerAdverts} adverts carrying ${[...ids].filter((id) => peerHeard.has(id)).length} of the ${ids.size} IDs` : '';
      out.warn(`radio advertise: ${ids.size} IDs, ${a.addressChanges} address changes, ${a.failures} failed sequences${failed ? ` (last: ${failed.message})` : ''}${peerNote}`);
    });
}

/** The radio subcommands, in help order. */
export const RADIO_SUBCOMMANDS: ((radio: Command, out: Output) => void)[] = [registerScan, registerAdvertise, registerRadioReplay];

/** Registers the `radio` command group. */
export function registerRadioCommands(program: Command, out: Output): void {
  const radio = program.command('radio').description('the firmware on a BLE adapter through noble/bleno (Linux; optional native packages), or --virtual without hardware');
  for (const register of RADIO_SUBCOMMANDS) register(radio, out);
}
