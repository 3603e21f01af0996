/**
 * The `proxsense` command line. Every command prints results on stdout, diagnostics on stderr, and on
 * bad input a one-line reason with a non-zero exit code.
 * @module
 */
import { Command, CommanderError } from 'commander';
import { ProxsenseError } from '@proxsense/core';
import { registerKeysCommands } from './commands/keys.js';
import { registerMatchCommand } from './commands/match.js';
import { registerEpisodesCommand } from './commands/episodes.js';
import { registerProximityCommands } from './commands/proximity.js';
import { registerSimCommands } from './commands/sim.js';
import { registerRiskCommand } from './commands/risk.js';
import { registerRadioCommands } from './commands/radio.js';
import { CliError } from './errors.js';
import { processOutput, type Output } from './output.js';

export const VERSION = '0.1.0';

/** Builds the program (exported for tests and for other packages adding commands). */
export function buildProgram(out: Output = processOutput): Command {
  const program = new Command('proxsense')
    .description(
      'BLE proximity sensing: crowd simulation, rotating IDs (GAEN, Bluezone), key files, matching, distance, episodes',
    )
    .version(VERSION)
    // Through `out`, so help and usage errors follow the same streams in-process (tests) as in a shell;
    // a usage error is one line, like every other bad input.
    .configureOutput({
      writeOut: (text) => out.text(text),
      writeErr: (text) => out.warn(text.replace(/\n$/, '')),
      outputError: (text, write) =>
        write(
          `proxsense: ${text
            .trim()
            .replace(/^error: /, '')
            .replace(/\s*\n\s*/g, ' ')} (run with --help for usage)\n`,
        ),
    })
    .exitOverride();
  registerKeysCommands(program, out);
  registerMatchCommand(program, out);
  registerProximityCommands(program, out);
  registerEpisodesCommand(program, out);
  registerSimCommands(program, out);
  registerRiskCommand(program, out);
  registerRadioCommands(program, out);
  const output = program.configureOutput();
  for (const command of program.commands) {
    command.exitOverride().configureOutput(output);
    for (const sub of command.commands) sub.exitOverride().configureOutput(output);
  }
  return program;
}

/** Runs the CLI on `argv` (as process.argv); resolves to the exit code. */
export async function run(argv: string[], out: Output = processOutput): Promise<number> {
  const program = buildProgram(out);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit through here with code 0; usage errors were already printed by commander.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof CliError) {
      out.warn(`proxsense: ${oneLine(error.message)}`);
      return error.exitCode;
    }
    if (error instanceof ProxsenseError) {
      out.warn(`proxsense: ${oneLine(error.message)}`);
      return 2;
    }
    out.warn(`proxsense: internal error: ${(error as Error)?.stack ?? String(error)}`);
    return 70;
  }
}

/** Messages quoting a parser's excerpt (JSON.parse's, a CSV line) may hold newlines: one line, always. */
function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, ' ');
}
