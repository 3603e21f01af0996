/**
 * Where commands write: stdout for results, stderr for diagnostics. Injected so tests can capture it.
 * @module
 */
export interface Output {
  /** One line of human-readable result. */
  line(text: string): void;
  /** Raw result text, written as is. */
  text(text: string): void;
  /** A JSON result, pretty enough to read and exact to parse. */
  json(value: unknown): void;
  /** A diagnostic (warnings, progress summaries): never mixed into results. */
  warn(text: string): void;
  /** True when diagnostics go to a terminal (progress bars only then). */
  readonly interactive: boolean;
}

/** Output on the process's streams. */
export const processOutput: Output = {
  line: (text) => process.stdout.write(`${text}\n`),
  text: (text) => process.stdout.write(text),
  json: (value) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
  warn: (text) => process.stderr.write(`${text}\n`),
  interactive: Boolean(process.stderr.isTTY),
};
