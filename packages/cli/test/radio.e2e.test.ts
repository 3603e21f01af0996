/**
 * `proxsense radio …` as a user runs it: --virtual drives the unmodified noble/bleno stacks on virtual
 * controllers with a simulated peer and exits by itself; without the native addon one line says what is
 * missing and how to fix it.
 */
import { describe, expect, it } from 'vitest';
import { proxsense } from './cli.js';

describe('proxsense radio', () => {
  it("scan --virtual prints the peer's GAEN adverts as JSONL, the same for the same seed, and exits by itself", () => {
    const args = ['radio', 'scan', '--virtual', '--duration', '4', '--seed', '3', '--json'];
    const r = proxsense(...args);
    expect(r.stderr).toMatch(/radio scan: 1 devices, \d+ GAEN and 0 Bluezone adverts in 4 s/);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as { t: number; scheme: string; id: string; rssi: number; address: string },
      );
    // 4 s at one advert per 200–280 ms.
    expect(lines.length).toBeGreaterThanOrEqual(14);
    expect(lines.length).toBeLessThanOrEqual(21);
    for (const l of lines) {
      expect(l.scheme).toBe('gaen');
      expect(l.id).toMatch(/^[0-9a-f]{32}$/);
      expect(l.rssi).toBeLessThan(-40);
      expect(l.address).toMatch(/^[0-3][0-9a-f](:[0-9a-f]{2}){5}$/);
    }
    expect(new Set(lines.map((l) => l.id)).size).toBe(1);
    expect(proxsense(...args).stdout).toBe(r.stdout);
  });

  it('scan --virtual --stack stoprocent runs the @stoprocent forks the same way', () => {
    const r = proxsense(
      'radio',
      'scan',
      '--virtual',
      '--stack',
      'stoprocent',
      '--duration',
      '2',
      '--json',
    );
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { scheme: string });
    expect(lines.length).toBeGreaterThanOrEqual(6);
    expect(lines.every((l) => l.scheme === 'gaen')).toBe(true);
  });

  it('advertise --virtual rotates IDs and addresses together and the peer hears every ID', () => {
    const r = proxsense(
      'radio',
      'advertise',
      '--virtual',
      '--scheme',
      'bluezone',
      '--duration',
      '3500',
      '--json',
    );
    expect(r.code).toBe(0);
    const rotations = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { t: number; id: string; address: string });
    expect(rotations).toHaveLength(4);
    expect(new Set(rotations.map((x) => x.address)).size).toBe(4);
    const m = /the peer heard (\d+) adverts carrying (\d+) of the (\d+) IDs/.exec(r.stderr);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(1000);
    expect(m![2]).toBe(m![3]);
    expect(r.stderr).toMatch(/4 IDs, 4 address changes, 0 failed sequences/);
  });

  it('without the native addon says in one line what is missing and the command that fixes it (exit 2)', () => {
    for (const sub of ['scan', 'advertise']) {
      const r = proxsense('radio', sub, '--duration', '1');
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(
        /^proxsense: the native HCI socket addon \(@abandonware\/bluetooth-hci-socket\) is not built; fix: .*npm run install --prefix node_modules\/@abandonware\/bluetooth-hci-socket/,
      );
    }
  });

  it('rejects a bad option value with a usage error', () => {
    const r = proxsense('radio', 'advertise', '--virtual', '--scheme', 'bluetooth');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/expected one of gaen, bluezone/);
  });
});
