/**
 * `node --require @proxsense/node-radio/preload`: the stacks run on virtual controllers on the wall clock,
 * and the process exits by itself once the radio is closed (the stacks' 1 s polls ended).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

const SCRIPT = `
const { openNodeRadio, HciAdvertiser, VirtualBluetoothHciSocket } = require('@proxsense/node-radio');
const { encodeGaenAdvert } = require('@proxsense/core');
(async () => {
  const radio = await openNodeRadio({ deviceId: 0 });
  const socket = new VirtualBluetoothHciSocket();
  socket.bindRaw(1);
  socket.start();
  const peer = new HciAdvertiser(socket);
  peer.advertise(encodeGaenAdvert(new Uint8Array(16).fill(1), new Uint8Array(4)), Uint8Array.from([1, 2, 3, 4, 5, 6]));
  let heard = 0;
  radio.onAdvert(() => heard++);
  radio.startScanning();
  const startedMs = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 1500));
  radio.stopScanning();
  peer.stop();
  await peer.idle();
  peer.close();
  socket.stop();
  await radio.close();
  console.log(JSON.stringify({ heard, elapsedMs: Date.now() - startedMs }));
})();
`;

describe('the --require preload', () => {
  it('runs noble and bleno on virtual controllers in real time and lets the process exit', () => {
    const startedMs = Date.now();
    const r = spawnSync(
      process.execPath,
      ['--require', '@proxsense/node-radio/preload', '-e', SCRIPT],
      { cwd: REPO, encoding: 'utf8', timeout: 30_000 },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const { heard } = JSON.parse(r.stdout) as { heard: number };
    // 1.5 s at one advert per 200–280 ms: about 6 (fewer when the machine is loaded, never more than 8).
    expect(heard).toBeGreaterThanOrEqual(2);
    expect(heard).toBeLessThanOrEqual(8);
    // Exited by itself: well before the 30 s kill.
    expect(Date.now() - startedMs).toBeLessThan(25_000);
  });
});
