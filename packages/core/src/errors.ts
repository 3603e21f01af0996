/**
 * Typed errors shared by every core module. Each carries what was wrong, where, and what was expected,
 * so a CLI can print `error.message` on one line and a library user can branch on the class.
 * @module
 */

/** Base class of every error proxsense throws on purpose; its message is always one line. */
export class ProxsenseError extends Error {
  constructor(message: string) {
    // Messages quote what was read (a CSV field may hold a quoted line break): escape control
    // characters, so a CLI prints one line and a log keeps one record.
    super(oneLine(message));
    this.name = new.target.name;
  }
}

/** `text` with line breaks and other control characters written as escapes (`\n`, `\u0000`). */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) =>
    c === '\n'
      ? '\\n'
      : c === '\r'
        ? '\\r'
        : c === '\t'
          ? '\\t'
          : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
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
