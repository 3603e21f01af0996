import { ProxsenseError } from '@proxsense/core';

/** A usage or input problem the CLI reports in one line before exiting non-zero. */
export class CliError extends ProxsenseError {
  constructor(
    message: string,
    /** Process exit code: 2 for bad usage or input, 1 for a failed check. */
    readonly exitCode = 2,
  ) {
    super(message);
  }
}
