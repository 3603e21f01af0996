import { ProxsenseError } from '../errors.js';

/** A key file (GAEN export, keys JSON, Bluezone F0) that cannot be read; names the file and the problem. */
export class KeyFileError extends ProxsenseError {
  constructor(
    /** File name or other label of where the bytes came from. */
    readonly source: string,
    /** What is wrong, including the field and what was expected where that applies. */
    readonly problem: string,
  ) {
    super(`${source}: ${problem}`);
  }
}
