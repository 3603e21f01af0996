/**
 * One entry point for every diagnosis key file: sniffs the format from the bytes and returns the keys.
 * @module
 */
import { bytesEqual } from '../bytes/index.js';
import type { DiagnosisKey } from '../ids/diagnosisKey.js';
import { KeyFileError } from './errors.js';
import {
  EXPORT_BIN_HEADER,
  decodeExportBin,
  readExportZip,
  type GaenKeyExport,
  type TekSignature,
} from './gaenExport.js';
import { bluezoneKeysFromJson, gaenExportFromJson } from './keysJson.js';

/** The formats {@link readDiagnosisKeyFile} recognises. */
export type KeyFileFormat =
  'gaen-export-zip' | 'gaen-export-bin' | 'gaen-keys-json' | 'bluezone-f0-json';

/** A key file's decoded contents. */
export interface DiagnosisKeyFile {
  format: KeyFileFormat;
  /** Every key of the file, of either scheme (GAEN: keys then revised keys). */
  keys: DiagnosisKey[];
  /** The GAEN export header and keys, for GAEN formats. */
  gaenExport?: GaenKeyExport;
  /** export.bin bytes and signatures, for zips (signature checks need both). */
  exportBin?: Uint8Array;
  signatures?: TekSignature[];
  /** Things worth telling the user that do not stop reading (e.g. old Bluezone F0 field names). */
  notes: string[];
}

const ZIP_MAGIC = /* @__PURE__ */ new Uint8Array([0x50, 0x4b, 0x03, 0x04]);
const textDecoder = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a GAEN export zip, a bare export.bin, GAEN keys JSON or Bluezone F0 JSON.
 * @param source the file name, used in every error message.
 * @throws KeyFileError naming `source` and what is wrong; never any other error for bad bytes.
 */
export function readDiagnosisKeyFile(bytes: Uint8Array, source: string): DiagnosisKeyFile {
  try {
    return readUnchecked(bytes, source);
  } catch (error) {
    if (error instanceof KeyFileError) throw error;
    // A parser library failing in a way we did not foresee is still a bad file, not a crash.
    throw new KeyFileError(source, `unreadable: ${(error as Error)?.message ?? String(error)}`);
  }
}

function readUnchecked(bytes: Uint8Array, source: string): DiagnosisKeyFile {
  if (bytes.length >= 4 && bytesEqual(bytes.subarray(0, 4), ZIP_MAGIC)) {
    const archive = readExportZip(bytes, source);
    return {
      format: 'gaen-export-zip',
      keys: [...archive.export.keys, ...archive.export.revisedKeys],
      gaenExport: archive.export,
      exportBin: archive.exportBin,
      signatures: archive.signatures,
      notes: [],
    };
  }
  if (bytes.length >= 2 && bytesEqual(bytes.subarray(0, 2), EXPORT_BIN_HEADER.subarray(0, 2))) {
    const gaenExport = decodeExportBin(bytes, source);
    return {
      format: 'gaen-export-bin',
      keys: [...gaenExport.keys, ...gaenExport.revisedKeys],
      gaenExport,
      exportBin: bytes,
      notes: [],
    };
  }
  let text: string;
  try {
    text = textDecoder.decode(bytes);
  } catch {
    throw new KeyFileError(
      source,
      'not a key file: expected a GAEN export zip, an export.bin ("EK Export v1" header) or JSON keys',
    );
  }
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('[') && !trimmed.startsWith('{')) {
    throw new KeyFileError(
      source,
      bytes.length === 0
        ? 'empty file: expected a GAEN export zip, an export.bin or JSON keys'
        : 'not a key file: expected a GAEN export zip, an export.bin ("EK Export v1" header) or JSON keys',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new KeyFileError(source, `invalid JSON: ${(error as Error).message}`);
  }
  if (looksLikeBluezone(json)) {
    const notes: string[] = [];
    return { format: 'bluezone-f0-json', keys: bluezoneKeysFromJson(json, source, notes), notes };
  }
  const gaenExport = gaenExportFromJson(json, source);
  return {
    format: 'gaen-keys-json',
    keys: [...gaenExport.keys, ...gaenExport.revisedKeys],
    gaenExport,
    notes: [],
  };
}

function looksLikeBluezone(json: unknown): boolean {
  const list = Array.isArray(json) ? json : (json as Record<string, unknown> | null)?.['data'];
  return (
    Array.isArray(list) &&
    list.length > 0 &&
    typeof list[0] === 'object' &&
    list[0] !== null &&
    ('daily_key' in list[0] || 'dailyKey' in list[0])
  );
}
