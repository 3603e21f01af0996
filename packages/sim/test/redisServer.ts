/**
 * A throwaway `redis-server` for tests: loopback only, a free port, its own temp dir, no persistence;
 * stopped by PID. Fails loudly when the Debian package is not installed (`.ci/run` installs it).
 * @module
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServer {
  port: number;
  pid: number;
  /** `redis://[:password@]127.0.0.1:PORT/0` */
  url: string;
  stop(): Promise<void>;
}

/** A loopback port free right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

const READY_TIMEOUT_MS = 10_000;

/** Starts redis-server; `password` sets `requirepass`. */
export async function startRedis(options: { password?: string } = {}): Promise<RedisServer> {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error)
    throw new Error(
      `redis-server is not installed (${probe.error.message}): apt-get install redis-server (.ci/run does it)`,
    );
  let lastOutput = '';
  // Two tries: another process may take the free port between the probe and redis binding it.
  for (let attempt = 0; attempt < 2; attempt++) {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'proxsense-redis-'));
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      ...(options.password ? ['--requirepass', options.password] : []),
    ];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/Ready to accept connections/.test(output)) {
          clearTimeout(timer);
          resolve(true);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    const pid = child.pid;
    const stop = async (): Promise<void> => {
      if (pid !== undefined && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        process.kill(pid, 'SIGTERM');
        const timer = setTimeout(
          () =>
            child.exitCode === null && child.signalCode === null && process.kill(pid, 'SIGKILL'),
          5000,
        );
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    };
    if (ready && pid !== undefined) {
      child.stdout.resume();
      child.stderr.resume();
      const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
      return { port, pid, url: `redis://${auth}127.0.0.1:${port}/0`, stop };
    }
    lastOutput = output;
    await stop();
  }
  throw new Error(`redis-server did not start:\n${lastOutput}`);
}
