/**
 * `proxsense sim worker`: serves queue sweeps (`proxsense sim sweep --queue`) from a Redis server until
 * stopped, on any number of machines at once. One line per run on stderr; the URL is always logged with
 * its password masked.
 * @module
 */
import { Option, type Command } from 'commander';
import { availableParallelism } from 'node:os';
import { runQueueWorker } from '@proxsense/sim';
import { integerOption } from '../options.js';
import type { Output } from '../output.js';

interface WorkerOptions {
  queue: string;
  concurrency: number;
  exitWhenIdle?: number;
}

/** Registers `sim worker`. */
export function registerWorkerCommand(sim: Command, out: Output): void {
  sim
    .command('worker')
    .description(
      'take sweep runs from a BullMQ queue on Redis (`sim sweep --queue`) and run them, until stopped (Ctrl-C finishes running jobs first)',
    )
    // The environment variable keeps a password out of the process list (`ps` shows every argument).
    .addOption(
      new Option(
        '--queue <url>',
        'the Redis the sweeps use: redis://[:password@]host[:port][/db], or rediss://… for TLS',
      )
        .env('PROXSENSE_QUEUE')
        .makeOptionMandatory(),
    )
    .option(
      '--concurrency <n>',
      `runs at once, each on its own thread (this machine has ${availableParallelism()} cores)`,
      integerOption(1, 1024),
      1,
    )
    .option(
      '--exit-when-idle <seconds>',
      'exit after this long with no sweep to serve (for batch jobs, e.g. a Kubernetes Job); default: run until stopped',
      integerOption(1, 7 * 86_400),
    )
    .addHelpText(
      'after',
      '\nEvery worker serves every sweep started on the same Redis; start as many as you like, on any machine.\n\nExamples:\n  $ proxsense sim worker --queue redis://localhost:6379/0\n  $ PROXSENSE_QUEUE=rediss://:secret@redis.lab.example:6380/0 proxsense sim worker --concurrency 8',
    )
    .action(async (o: WorkerOptions) => {
      const controller = new AbortController();
      let signals = 0;
      const stop = (name: NodeJS.Signals): void => {
        signals++;
        if (signals === 1) {
          out.warn(
            `${name}: stopping after the running jobs finish (again to stop now; their jobs go back to the queue)`,
          );
          controller.abort();
        } else {
          // Like a killed worker: the queue's stalled-job check hands the running jobs to other workers.
          process.exit(130);
        }
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      try {
        await runQueueWorker({
          url: o.queue,
          concurrency: o.concurrency,
          signal: controller.signal,
          ...(o.exitWhenIdle !== undefined ? { idleExitMs: o.exitWhenIdle * 1000 } : {}),
          onLog: (line) => out.warn(line),
        });
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
      out.warn('worker stopped');
    });
}
