/**
 * `proxsense radio scan | advertise | run | record | calibrate` end to end with --virtual: the built CLI
 * on the unmodified noble/bleno stacks over virtual controllers, simulated time, a simulated peer.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  bytesToHex,
  hexToBytes,
  parseSightingLine,
  pureCryptoProvider,
  rollingProximityIdentifier,
  rollingProximityIdentifierKey,
} from '@proxsense/core';
import { FileStore } from '@proxsense/node-radio';
import { proxsense, REPO } from './cli.js';

const BIN = fileURLToPath(new URL('../bin/proxsense.js', import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), 'proxsense-radio-'));
const jsonLines = <T>(text: string) =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);

/** Starts the CLI; resolves once `lines` stdout lines arrived (or it exited), with the child. */
function startUntilLines(args: string[], lines: number) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.split('\n').length - 1 >= lines) resolve();
    });
    void exited.then(() => resolve());
  });
  const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
  void exited.then(() => clearTimeout(guard));
  return { child, ready, exited, out: () => stdout, err: () => stderr };
}

describe('radio scan', () => {
  it('prints the device table at every refresh when not a terminal: ID, scheme, RSSI last and median, distance with interval, adverts, address', () => {
    const r = proxsense('radio', 'scan', '--virtual', '--duration', '3s', '--refresh', '1');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('ID '))).toHaveLength(3);
    expect(lines[1]).toMatch(
      /^ID\s+scheme\s+last\s+median\s+distance \(80%\)\s+adverts\s+address$/,
    );
    const rows = lines.filter((l) => /^[0-9a-f]{32} /.test(l));
    expect(rows).toHaveLength(3);
    const adverts = rows.map((row) => {
      const m =
        /^([0-9a-f]{32})\s+gaen\s+(-\d+)\s+(-\d+\.\d)\s+(\d+\.\d) m \((\d+\.\d)–(\d+\.\d)\)\s+(\d+)\s+([0-9a-f]{2}(:[0-9a-f]{2}){5})$/.exec(
          row,
        );
      expect(m, row).not.toBeNull();
      const [low, mid, high] = [Number(m![5]), Number(m![4]), Number(m![6])];
      expect(low).toBeLessThan(mid);
      expect(mid).toBeLessThan(high);
      return Number(m![7]);
    });
    // Refreshed, not appended: the same device with a growing count (about 4 adverts a second).
    expect(adverts[0]).toBeGreaterThan(1);
    expect(adverts[2]).toBeGreaterThan(adverts[0]!);
    expect(r.stderr).toMatch(/radio scan: 1 devices, \d+ GAEN and 0 Bluezone adverts in 3 s/);
  });

  it('--table live redraws in place (cursor up over the previous table, clear below)', () => {
    const r = proxsense(
      'radio',
      'scan',
      '--virtual',
      '--duration',
      '3',
      '--table',
      'live',
      '--peer-scheme',
      'bluezone',
    );
    expect(r.code).toBe(0);
    // The live table's ANSI escapes (ESC [3F: up three lines; ESC [J: clear below) are what is checked.
    // eslint-disable-next-line no-control-regex
    expect(r.stdout).not.toMatch(/^\x1b/);
    // eslint-disable-next-line no-control-regex
    expect(r.stdout.match(/\x1b\[3F\x1b\[J/g)).toHaveLength(2);
    expect(r.stdout).toMatch(/bluezone/);
  });

  it('--json prints every advert as a sighting line (the sightings JSONL format, plus the address)', () => {
    const r = proxsense(
      'radio',
      'scan',
      '--virtual',
      '--duration',
      '2',
      '--json',
      '--peer-scheme',
      'bluezone',
    );
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(4);
    lines.forEach((l, i) => {
      const s = parseSightingLine(l, i + 1);
      expect(s.scheme).toBe('bluezone');
      expect((JSON.parse(l) as { address: string }).address).toMatch(
        /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/,
      );
    });
  });

  it('rejects a malformed --duration with a usage error', () => {
    const r = proxsense('radio', 'scan', '--virtual', '--duration', '10 minutes');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/expected a positive duration/);
  });
});

describe('radio advertise', () => {
  it('--key fixes the first TEK (the RPIs are the ones it derives), --tx-power goes into the metadata', () => {
    const tek = '000102030405060708090a0b0c0d0e0f';
    const r = proxsense(
      'radio',
      'advertise',
      '--virtual',
      '--key',
      tek,
      '--tx-power',
      '-10',
      '--duration',
      '1300',
      '--json',
    );
    expect(r.code).toBe(0);
    const rotations = jsonLines<{ interval: number; id: string; address: string }>(r.stdout);
    expect(rotations.length).toBeGreaterThanOrEqual(2);
    const rpik = rollingProximityIdentifierKey(pureCryptoProvider, hexToBytes(tek));
    for (const x of rotations)
      expect(x.id).toBe(
        bytesToHex(rollingProximityIdentifier(pureCryptoProvider, rpik, x.interval)),
      );
    expect(new Set(rotations.map((x) => x.address)).size).toBe(rotations.length);
    // --tx-power as the peer heard it: the AEMs on the air decrypt (with the TEK) to −10 dBm.
    expect(r.stderr).toMatch(/metadata TX power in the heard adverts: -10 dBm$/m);
  });

  it('a --key of the wrong length fails in one line (exit 2)', () => {
    const r = proxsense(
      'radio',
      'advertise',
      '--virtual',
      '--scheme',
      'bluezone',
      '--key',
      '00112233',
    );
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      'proxsense: --key: expected 64 hex digits (the Bluezone daily key, 32 bytes), got "00112233"',
    );
  });
});

describe('radio run', () => {
  it('runs the firmware onto a FileStore: every sighting printed is in the store, reopened', () => {
    const dir = join(tmp(), 'store');
    const r = proxsense('radio', 'run', '--virtual', '--duration', '1h', '--store', dir, '--json');
    expect(r.code).toBe(0);
    const printed = r.stdout
      .trim()
      .split('\n')
      .map((l, i) => parseSightingLine(l, i + 1));
    expect(printed.length).toBeGreaterThanOrEqual(10);
    expect(r.stderr).toMatch(
      new RegExp(
        `radio run: done after 3600 s \\(virtual\\): \\d+ rotations, \\d+ scans, .*${printed.length} sightings stored in ${dir}`,
      ),
    );
    const store = FileStore.open(dir);
    expect(
      store.querySightings().map((s) => `${s.timeMs} ${bytesToHex(s.id)} ${s.rssiDbm}`),
    ).toEqual(printed.map((s) => `${s.timeMs} ${bytesToHex(s.id)} ${s.rssiDbm}`));
    expect(store.queryScans().length).toBeGreaterThanOrEqual(printed.length);
    store.close();
  });

  it('stops cleanly on SIGTERM and on SIGINT (Ctrl-C): exit 0, store closed and complete', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const dir = join(tmp(), 'store');
      const p = startUntilLines(['radio', 'run', '--virtual', '--store', dir, '--json'], 4);
      await p.ready;
      p.child.kill(signal);
      expect(await p.exited).toBe(0);
      expect(p.err()).toMatch(
        new RegExp(`radio run: stopped by ${signal} after \\d+(\\.\\d+)? s \\(virtual\\)`),
      );
      const printed = p.out().trim().split('\n');
      const store = FileStore.open(dir);
      expect(store.querySightings()).toHaveLength(printed.length);
      expect(store.recovery.tornTails).toHaveLength(0);
      store.close();
    }
  });

  it('kill -9 loses nothing it reported as stored', async () => {
    for (const after of [3, 9, 17]) {
      const dir = join(tmp(), 'store');
      const p = startUntilLines(
        ['radio', 'run', '--virtual', '--store', dir, '--json', '--seed', String(after)],
        after,
      );
      await p.ready;
      p.child.kill('SIGKILL');
      await p.exited;
      // Only whole lines were acknowledged; a line cut by the kill was not.
      const text = p.out();
      const printed = text
        .slice(0, text.lastIndexOf('\n') + 1)
        .trim()
        .split('\n')
        .map((l, i) => parseSightingLine(l, i + 1));
      expect(printed.length).toBeGreaterThanOrEqual(after);
      const store = FileStore.open(dir);
      const kept = new Set(store.querySightings().map((s) => `${s.timeMs} ${bytesToHex(s.id)}`));
      for (const s of printed) expect(kept.has(`${s.timeMs} ${bytesToHex(s.id)}`)).toBe(true);
      store.close();
    }
  });

  it("--check-keys runs an exposure check at the end against a key file (the peer's keys: a match)", () => {
    const dir = tmp();
    const keys = join(dir, 'keys.json');
    const first = proxsense(
      'radio',
      'run',
      '--virtual',
      '--duration',
      '40m',
      '--peer-keys-out',
      keys,
    );
    expect(first.code).toBe(0);
    expect((JSON.parse(readFileSync(keys, 'utf8')) as { keys: unknown[] }).keys).toHaveLength(1);
    // The same seed: the same peer, whose published keys the second run checks.
    const r = proxsense('radio', 'run', '--virtual', '--duration', '40m', '--check-keys', keys);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^day\tcontact\twindows/m);
    expect(r.stdout).toMatch(/^2026-01-01\t[0-9a-f]{32}\t\d+\t/m);
    expect(r.stderr).toMatch(
      /exposure check against .*keys\.json: 1 keys, [1-9]\d* matched sightings, [1-9]\d* exposure windows, 1 contact-days; close contact: YES/,
    );
    const json = proxsense(
      'radio',
      'run',
      '--virtual',
      '--duration',
      '40m',
      '--check-keys',
      keys,
      '--json',
    );
    const exposure = jsonLines<{ exposure?: { matches: number; closeContact: boolean } }>(
      json.stdout,
    ).find((l) => l.exposure)!.exposure!;
    expect(exposure.matches).toBeGreaterThan(0);
    expect(exposure.closeContact).toBe(true);
  });

  it('a bad key file fails at the start in one line (exit 2)', () => {
    const dir = tmp();
    const bad = join(dir, 'keys.json');
    writeFileSync(bad, '{"keys": [{"keyData": "zz"}]}');
    const r = proxsense('radio', 'run', '--virtual', '--duration', '10', '--check-keys', bad);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/keys\.json.*keyData/);
  });
});

describe('radio record', () => {
  it('writes each reception as a sighting line and the HCI traffic as btsnoop that btmon -r reads and radio replay replays', () => {
    const dir = tmp();
    const jsonl = join(dir, 'rec.jsonl');
    const capture = join(dir, 'rec.btsnoop');
    const r = proxsense(
      'radio',
      'record',
      '--virtual',
      '--duration',
      '5',
      '--out',
      jsonl,
      '--btsnoop',
      capture,
    );
    expect(r.code).toBe(0);
    const receptions = readFileSync(jsonl, 'utf8')
      .trim()
      .split('\n')
      .map((l, i) => parseSightingLine(l, i + 1));
    expect(receptions.length).toBeGreaterThanOrEqual(16);
    expect(receptions.every((s) => s.scanner === 'self' && s.scheme === 'gaen')).toBe(true);
    const btmon = spawnSync('btmon', ['-r', capture, '-c', 'never', '-P'], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(btmon.error, 'btmon not found: install Debian bluez (.ci/run does)').toBeUndefined();
    expect(btmon.stdout).toMatch(/New Index: .*hci0/);
    expect(btmon.stdout).toMatch(/< HCI Command: LE Set Scan Enable/);
    // Each reception once, though noble's and bleno's sockets both receive every event.
    expect(btmon.stdout.match(/LE Advertising Report/g)).toHaveLength(receptions.length);
    const fromCapture = proxsense('radio', 'replay', capture, '--scanner', 'self', '--json');
    const fromJsonl = proxsense('radio', 'replay', jsonl, '--json');
    expect(fromCapture.code).toBe(0);
    const a = JSON.parse(fromCapture.stdout) as {
      counts: { receptions: number; sightings: number };
      contacts: unknown;
    };
    const b = JSON.parse(fromJsonl.stdout) as {
      counts: { receptions: number; sightings: number };
      contacts: unknown;
    };
    expect(a.counts.receptions).toBe(receptions.length);
    expect(b.counts.receptions).toBe(receptions.length);
    expect(a.contacts).toEqual(b.contacts);
  });
});

describe('radio calibrate', () => {
  it('collects rows from the nearest device that calibrate fit reads (two distances → a model)', () => {
    const dir = tmp();
    const files = [1, 4].map((m) => {
      const file = join(dir, `cal-${m}m.csv`);
      const r = proxsense(
        'radio',
        'calibrate',
        '--virtual',
        '--distance',
        String(m),
        '--samples',
        '60',
        '--model',
        'Pi 4',
        '--position',
        'table',
        '--out',
        file,
        '--seed',
        String(m),
      );
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(
        new RegExp(
          `radio calibrate: 60 of 60 rows from [0-9a-f]{32} \\(median RSSI -\\d+ dBm\\) at ${m} m`,
        ),
      );
      return file;
    });
    const [header, ...rows1] = readFileSync(files[0]!, 'utf8').trim().split('\n');
    expect(header).toBe('t,id,scheme,distance,rssi,tx,model,position,address');
    expect(rows1).toHaveLength(60);
    expect(
      rows1.every((l) =>
        /^\d+(\.\d+)?,[0-9a-f]{32},gaen,1,-\d+,,Pi 4,table,([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(l),
      ),
    ).toBe(true);
    const rows2 = readFileSync(files[1]!, 'utf8').trim().split('\n').slice(1);
    const joined = join(dir, 'cal.csv');
    writeFileSync(joined, [header, ...rows1, ...rows2].join('\n') + '\n');
    const fit = proxsense('calibrate', 'fit', joined, '--json');
    expect(fit.code).toBe(0);
    const f = JSON.parse(fit.stdout) as { rows: number; model: { pathLossExponent: number } };
    expect(f.rows).toBe(120);
    expect(f.model.pathLossExponent).toBeGreaterThan(0.5);
  });

  it("on hardware --distance is required (the label is the user's measurement)", () => {
    const r = proxsense('radio', 'calibrate', '--samples', '5');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^proxsense: radio calibrate: --distance M is required/);
  });
});
