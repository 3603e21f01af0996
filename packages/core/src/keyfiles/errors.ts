import { FileFormatError } from '../errors.js';

/** A key file (GAEN export, keys JSON, Bluezone F0) that cannot be read; names the file and the problem. */
export class KeyFileError extends FileFormatError {}
