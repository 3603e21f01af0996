/**
 * The `proxsense radio` command group: commands for BLE hosts and their recordings.
 * @module
 */
import type { Command } from 'commander';

/** Creates the `radio` group under `program`; its subcommands register on the returned command. */
export function registerRadioGroup(program: Command): Command {
  return program
    .command('radio')
    .description('BLE radio tools for hardware testers: replay recordings (btsnoop captures, sightings JSONL) through aggregation and episodes');
}
