/**
 * Typed errors shared by every core module. Each carries what was wrong, where, and what was expected,
 * so a CLI can print `error.message` on one line and a library user can branch on the class.
 * @module
 */

/** Base class of every error proxsense throws on purpose. */
export class ProxsenseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A value handed to an API (or read from a file) is not of the expected shape. */
export class InputError extends ProxsenseError {
  constructor(
    /** Dotted path of the offending field, e.g. `keys[3].keyData`. */
    readonly field: string,
    /** What the field should have held. */
    readonly expected: string,
    /** What it held instead, described briefly. */
    readonly actual: string,
  ) {
    super(`${field}: expected ${expected}, got ${actual}`);
  }
}

/** A file (or other named input) whose content cannot be used: names the source and what is wrong. */
export class FileFormatError extends ProxsenseError {
  constructor(
    /** File name or other label of where the content came from. */
    readonly source: string,
    /** What is wrong, with the field and what was expected where that applies. */
    readonly problem: string,
  ) {
    super(`${source}: ${problem}`);
  }
}
