/**
 * `proxsense radio record`: every GAEN / Bluezone advert heard, as sightings JSONL (one line per
 * reception, what `radio replay` aggregates per scan), and optionally the raw HCI traffic as btsnoop.
 * @module
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { Command } from 'commander';
import { formatSightingLine, type Sighting } from '@proxsense/core';
import { BtsnoopFile, hciSocketClass, tapHciSockets } from '@proxsense/node-radio';
import { CliError } from '../errors.js';
import type { Output } from '../output.js';
import {
  openHost,
  peerSchemeOption,
  radioCommonOptions,
  startPeer,
  type RadioCommonOptions,
} from './radio.js';
import { heardAdvert } from './radioDevices.js';

interface RecordOptions extends RadioCommonOptions {
  out?: string;
  btsnoop?: string;
  scanner: string;
  peerScheme: 'gaen' | 'bluezone';
}

/** A file written line by line as receptions come (a crash keeps every line written before it). */
class LineFile {
  private readonly fd: number;
  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, 'w');
    } catch (error) {
      throw new CliError(`cannot write ${path}: ${(error as Error).message}`);
    }
  }
  line(text: string): void {
    const bytes = Buffer.from(`${text}\n`);
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done);
  }
  close(): void {
    fsyncSync(this.fd);
    closeSync(this.fd);
  }
}

export function registerRadioRecord(radio: Command, out: Output): void {
  radioCommonOptions(
    radio
      .command('record')
      .description(
        'record every GAEN / Bluezone advert heard as sightings JSONL (one line per reception; `radio replay` aggregates them per scan) and optionally the raw HCI traffic as a btsnoop file (btmon -r reads it, `radio replay` replays it)',
      ),
    60,
  )
    .option('--out <file.jsonl>', 'sightings JSONL file (default: stdout)')
    .option(
      '--btsnoop <file>',
      "also write the HCI commands and events on the adapter's sockets as btsnoop (Linux monitor, datalink 2001)",
    )
    .option('--scanner <name>', 'scanner name written into each sighting', 'self')
    .addOption(peerSchemeOption())
    .addHelpText(
      'after',
      '\nExamples:\n  $ proxsense radio record --duration 10m --out office.jsonl --btsnoop office.btsnoop\n  $ proxsense radio record --virtual --duration 30 --out /tmp/rec.jsonl && proxsense radio replay /tmp/rec.jsonl',
    )
    .action(async (o: RecordOptions) => {
      const lines = o.out === undefined ? undefined : new LineFile(o.out);
      let capture: BtsnoopFile | undefined;
      let untap: (() => void) | undefined;
      let packets = 0;
      const host = await openHost(o);
      const deviceId = host.pair ? host.pair.a.deviceId : o.device;
      try {
        if (o.btsnoop !== undefined) {
          const file = new BtsnoopFile(o.btsnoop, host.scheduler.nowMs(), {
            adapter: deviceId ?? 0,
          });
          capture = file;
          untap = tapHciSockets(
            hciSocketClass(o.stack, Boolean(o.virtual)),
            (p) => {
              packets++;
              if (p.kind === 'command') file.command(host.scheduler.nowMs(), p.bytes);
              else file.event(host.scheduler.nowMs(), p.bytes);
            },
            deviceId === undefined ? {} : { deviceId },
          );
        }
        let receptions = 0;
        host.radio.onAdvert((advert) => {
          const h = heardAdvert(advert);
          if (!h) return;
          receptions++;
          const s: Sighting = {
            timeMs: host.scheduler.nowMs(),
            scheme: h.scheme,
            id: h.id,
            rssiDbm: h.rssiDbm,
            scanner: o.scanner,
          };
          if (h.aem) s.aem = h.aem;
          const text = formatSightingLine(s);
          if (lines) lines.line(text);
          else out.line(text);
        });
        const peer = startPeer(host, o, o.peerScheme);
        host.radio.startScanning();
        await host.runFor(o.duration * 1000);
        host.radio.stopScanning();
        peer?.stop();
        const c = host.radio.scanner.counters;
        out.warn(
          `radio record: ${receptions} GAEN/Bluezone receptions${o.out === undefined ? '' : ` written to ${o.out}`}; ${c.notOurs} other and ${c.malformed} malformed adverts dropped${o.btsnoop === undefined ? '' : `; ${packets} HCI packets written to ${o.btsnoop}`}${o.virtual ? ' (virtual)' : ''}`,
        );
      } finally {
        await host.close();
        untap?.();
        capture?.close();
        lines?.close();
      }
    });
}
