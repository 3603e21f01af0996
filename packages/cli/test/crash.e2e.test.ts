import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readDiagnosisKeyFile } from '@proxsense/core';
import { proxsense, REPO } from './cli.js';

const BIN = fileURLToPath(new URL('../bin/proxsense.js', import.meta.url));

describe('keys export survives being killed', () => {
  it('leaves the previous export intact (never a torn file) when killed mid-run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'proxsense-crash-'));
    const out = join(dir, 'export.zip');
    expect(proxsense('keys', 'export', '--in', 'examples/keys.json', '--out', out).code).toBe(0);
    let previous = readFileSync(out);
    const outcomes = new Set<number>();
    // A large batch so the run is still going when the kill lands.
    const keys = Array.from({ length: 150_000 }, (_, i) => ({
      keyData: i.toString(16).padStart(32, '0'),
      rollingStartIntervalNumber: 2_658_672,
    }));
    writeFileSync(join(dir, 'big.json'), JSON.stringify({ keys }));
    // Kills spread over the run (~1 s on an idle box); the last run is left to finish (Infinity), so a
    // complete new export is always among the outcomes however slow the machine is.
    for (const delayMs of [100, 300, 500, 700, 900, 1100, 1300, Infinity]) {
      const child = spawn(
        process.execPath,
        [
          BIN,
          'keys',
          'export',
          '--in',
          join(dir, 'big.json'),
          '--out',
          out,
          '--sign',
          'examples/signing-key.pem',
        ],
        { cwd: REPO, stdio: 'ignore' },
      );
      const exited = new Promise((r) => child.once('exit', r));
      if (Number.isFinite(delayMs)) {
        await new Promise((r) => setTimeout(r, delayMs));
        child.kill('SIGKILL');
      }
      await exited;
      // Either the old file or a complete new one: both must read back whole.
      const now = readFileSync(out);
      const file = readDiagnosisKeyFile(new Uint8Array(now), out);
      expect([46, 150_000]).toContain(file.keys.length);
      if (!now.equals(previous)) expect(file.keys.length).toBe(150_000);
      outcomes.add(file.keys.length);
      previous = now;
    }
    expect(outcomes).toEqual(new Set([46, 150_000]));
    // Killed runs may leave their temporary file behind, never a file under the real name.
    expect(readdirSync(dir).filter((n) => !n.startsWith('.') && n !== 'big.json')).toEqual([
      'export.zip',
    ]);
  });
});
