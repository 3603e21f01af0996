/**
 * GAEN key export files: `export.bin` (16-byte header "EK Export v1    " + TemporaryExposureKeyExport
 * protobuf) and `export.sig` (TEKSignatureList, ECDSA P-256 / SHA-256 over export.bin), zipped together
 * as health-authority key servers publish them.
 * @module
 */
import { p256 } from '@noble/curves/nist.js';
import { unzipSync, zipSync } from 'fflate';
import { bytesEqual, describeValue, utf8 } from '../bytes/index.js';
import type { GaenDiagnosisKey } from '../ids/diagnosisKey.js';
import { assertEraInterval, assertEraTimeS } from '../era.js';
import { InputError } from '../errors.js';
import { EN_INTERVAL_S, TEK_BYTES, TEK_ROLLING_PERIOD } from '../ids/gaen/constants.js';
import { KeyFileError } from './errors.js';
import {
  decodeMessage,
  encodeMessage,
  TEK_SIGNATURE_LIST,
  TEMPORARY_EXPOSURE_KEY_EXPORT,
} from './exportProto.js';
import { p256PublicKeyFromPem, p256PublicKeyFromSpki } from './publicKey.js';

/** The 16-byte header that starts every export.bin. */
export const EXPORT_BIN_HEADER = /* @__PURE__ */ utf8('EK Export v1    ');
/** OID of ECDSA with SHA-256, the only algorithm GAEN clients accept. */
export const ECDSA_SHA256_OID = '1.2.840.10045.4.3.2';

/** Identifies the public key that verifies an export (verification_key_version/id as agreed with Apple and Google). */
export interface SignatureInfo {
  verificationKeyVersion?: string;
  verificationKeyId?: string;
  signatureAlgorithm?: string;
  /** Deprecated fields still present in older exports. */
  appBundleId?: string;
  androidPackage?: string;
}

/** A decoded TemporaryExposureKeyExport. */
export interface GaenKeyExport {
  /** Unix seconds; the window the batch covers. */
  startTimestamp: number;
  endTimestamp: number;
  region: string;
  batchNum: number;
  batchSize: number;
  signatureInfos: SignatureInfo[];
  keys: GaenDiagnosisKey[];
  revisedKeys: GaenDiagnosisKey[];
}

/** One signature of export.sig. */
export interface TekSignature {
  signatureInfo: SignatureInfo;
  batchNum: number;
  batchSize: number;
  /** ASN.1 DER ECDSA signature (X9.62 SEQUENCE of r, s). */
  signature: Uint8Array;
}

/** A key export zip's contents. */
export interface GaenExportArchive {
  export: GaenKeyExport;
  /** The exact bytes of export.bin, which the signatures cover. */
  exportBin: Uint8Array;
  /** Decoded export.sig; empty when the zip has none. */
  signatures: TekSignature[];
}

/**
 * Decodes export.bin bytes (header + protobuf).
 * @throws KeyFileError for a short file, a wrong header, bad protobuf or a key of wrong length.
 */
export function decodeExportBin(bytes: Uint8Array, source = 'export.bin'): GaenKeyExport {
  if (bytes.length < EXPORT_BIN_HEADER.length)
    throw new KeyFileError(
      source,
      `truncated: ${bytes.length} bytes, expected at least the ${EXPORT_BIN_HEADER.length}-byte header "EK Export v1    "`,
    );
  if (!bytesEqual(bytes.subarray(0, EXPORT_BIN_HEADER.length), EXPORT_BIN_HEADER))
    throw new KeyFileError(
      source,
      'wrong header: expected the 16 bytes "EK Export v1    " of a GAEN key export',
    );
  let raw: Record<string, unknown>;
  try {
    raw = decodeMessage(bytes.subarray(EXPORT_BIN_HEADER.length), TEMPORARY_EXPOSURE_KEY_EXPORT);
  } catch (error) {
    throw new KeyFileError(
      source,
      `bad TemporaryExposureKeyExport protobuf: ${(error as Error).message}`,
    );
  }
  const keys = keysFromRaw(raw['keys'], 'keys', source);
  const revisedKeys = keysFromRaw(raw['revisedKeys'], 'revisedKeys', source);
  const [startTimestamp, endTimestamp] = exportWindow(raw, [...keys, ...revisedKeys], source);
  return {
    startTimestamp,
    endTimestamp,
    region: typeof raw['region'] === 'string' ? raw['region'] : '',
    batchNum: numberField(raw, 'batchNum', 1),
    batchSize: numberField(raw, 'batchSize', 1),
    signatureInfos: ((raw['signatureInfos'] as Record<string, unknown>[] | undefined) ?? []).map(
      signatureInfoFromRaw,
    ),
    keys,
    revisedKeys,
  };
}

/**
 * The export's [start, end] in Unix seconds, checked to lie in the era and in order. Absent fields
 * (proto2 optional) fall back to the keys' own span, as keys JSON does.
 */
function exportWindow(
  raw: Record<string, unknown>,
  keys: GaenDiagnosisKey[],
  source: string,
): [number, number] {
  let first = Infinity;
  let end = -Infinity;
  for (const k of keys) {
    first = Math.min(first, k.rollingStartIntervalNumber * EN_INTERVAL_S);
    end = Math.max(end, (k.rollingStartIntervalNumber + k.rollingPeriod) * EN_INTERVAL_S);
  }
  const field = (name: 'startTimestamp' | 'endTimestamp', span: number): number => {
    const value = raw[name];
    if (value === undefined && Number.isFinite(span)) return span;
    return checked(() => assertEraTimeS(value, name), source);
  };
  const start = field('startTimestamp', first);
  const stop = field('endTimestamp', end);
  if (start > stop)
    throw new KeyFileError(
      source,
      `endTimestamp: expected a time (Unix seconds) not before startTimestamp ${start}, got ${stop}`,
    );
  return [start, stop];
}

/** Encodes an export as export.bin bytes (header + protobuf); scalars equal to their default (0, "") are left out. */
export function encodeExportBin(keyExport: GaenKeyExport): Uint8Array {
  const body = encodeMessage(
    {
      startTimestamp: keyExport.startTimestamp,
      endTimestamp: keyExport.endTimestamp,
      region: keyExport.region,
      batchNum: keyExport.batchNum,
      batchSize: keyExport.batchSize,
      signatureInfos: keyExport.signatureInfos,
      keys: keyExport.keys.map(keyToRaw),
      revisedKeys: keyExport.revisedKeys.map(keyToRaw),
    },
    TEMPORARY_EXPOSURE_KEY_EXPORT,
  );
  const out = new Uint8Array(EXPORT_BIN_HEADER.length + body.length);
  out.set(EXPORT_BIN_HEADER);
  out.set(body, EXPORT_BIN_HEADER.length);
  return out;
}

/** Decodes export.sig bytes. @throws KeyFileError on bad protobuf. */
export function decodeExportSig(bytes: Uint8Array, source = 'export.sig'): TekSignature[] {
  let raw: Record<string, unknown>;
  try {
    raw = decodeMessage(bytes, TEK_SIGNATURE_LIST);
  } catch (error) {
    throw new KeyFileError(source, `bad TEKSignatureList protobuf: ${(error as Error).message}`);
  }
  return ((raw['signatures'] as Record<string, unknown>[] | undefined) ?? []).map((s) => ({
    signatureInfo: signatureInfoFromRaw(
      (s['signatureInfo'] as Record<string, unknown> | undefined) ?? {},
    ),
    batchNum: numberField(s, 'batchNum', 1),
    batchSize: numberField(s, 'batchSize', 1),
    signature:
      s['signature'] instanceof Uint8Array ? new Uint8Array(s['signature']) : new Uint8Array(0),
  }));
}

/** Encodes export.sig bytes. */
export function encodeExportSig(signatures: TekSignature[]): Uint8Array {
  return encodeMessage({ signatures: signatures }, TEK_SIGNATURE_LIST);
}

/**
 * Reads a key export zip. Checks that export.bin is present and decodes both files.
 * @throws KeyFileError naming `source` and the problem.
 */
export function readExportZip(zipBytes: Uint8Array, source = 'export.zip'): GaenExportArchive {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zipBytes);
  } catch (error) {
    throw new KeyFileError(source, `not a readable zip archive: ${(error as Error).message}`);
  }
  const exportBin = files['export.bin'];
  if (!exportBin)
    throw new KeyFileError(
      source,
      `zip has no export.bin (found: ${Object.keys(files).join(', ') || 'no files'})`,
    );
  const sig = files['export.sig'];
  return {
    export: decodeExportBin(exportBin, `${source}!export.bin`),
    exportBin,
    signatures: sig ? decodeExportSig(sig, `${source}!export.sig`) : [],
  };
}

/** Options of {@link writeExportZip}. */
export interface WriteExportOptions {
  /** 32-byte P-256 private scalar; when given, export.sig holds an ECDSA-SHA256 signature of export.bin. */
  signingKey?: Uint8Array;
  /** Signature info written with the signature (and into the export's signatureInfos). */
  signatureInfo?: SignatureInfo;
}

/**
 * Writes a key export zip (export.bin, plus export.sig when signing). Output is deterministic: fixed zip
 * timestamps and RFC 6979 deterministic ECDSA, so the same keys give the same bytes.
 */
export function writeExportZip(
  keyExport: GaenKeyExport,
  { signingKey, signatureInfo }: WriteExportOptions = {},
): Uint8Array {
  const info: SignatureInfo = { signatureAlgorithm: ECDSA_SHA256_OID, ...signatureInfo };
  const withInfo =
    signingKey && keyExport.signatureInfos.length === 0
      ? { ...keyExport, signatureInfos: [info] }
      : keyExport;
  const exportBin = encodeExportBin(withInfo);
  const files: Record<string, Uint8Array> = { 'export.bin': exportBin };
  if (signingKey) {
    const signature = signExportBin(exportBin, signingKey);
    files['export.sig'] = encodeExportSig([
      {
        signatureInfo: info,
        batchNum: withInfo.batchNum,
        batchSize: withInfo.batchSize,
        signature,
      },
    ]);
  }
  // 1980-01-01, the earliest DOS timestamp: a fixed mtime keeps archives byte-for-byte reproducible.
  return zipSync(files, { level: 6, mtime: new Date(Date.UTC(1980, 0, 1)) });
}

/** ECDSA P-256 / SHA-256 signature (DER) of export.bin, deterministic per RFC 6979. */
export function signExportBin(exportBin: Uint8Array, signingKey: Uint8Array): Uint8Array {
  return p256.sign(exportBin, signingKey, { format: 'der', prehash: true });
}

/**
 * True when some signature of the archive verifies export.bin under `publicKey`: a PEM `PUBLIC KEY`
 * (SPKI) string, SPKI DER bytes, or a SEC1 point (33 or 65 bytes). Pure TypeScript, so it runs in
 * browsers and React Native. High-S signatures (as OpenSSL makes them) are accepted, as GAEN clients
 * accept them.
 * @throws KeyFileError when a PEM or DER key is not an ECDSA P-256 public key (a private key, say).
 */
export function verifyExportSignature(
  archive: Pick<GaenExportArchive, 'exportBin' | 'signatures'>,
  publicKey: Uint8Array | string,
): boolean {
  const point =
    typeof publicKey === 'string'
      ? p256PublicKeyFromPem(publicKey)
      : publicKey[0] === 0x30
        ? p256PublicKeyFromSpki(publicKey)
        : publicKey;
  return archive.signatures.some((s) => {
    try {
      return p256.verify(s.signature, archive.exportBin, point, {
        format: 'der',
        prehash: true,
        lowS: false,
      });
    } catch {
      return false;
    }
  });
}

function numberField(raw: Record<string, unknown>, field: string, fallback: number): number {
  const value = raw[field];
  return typeof value === 'number' ? value : fallback;
}

function signatureInfoFromRaw(raw: Record<string, unknown>): SignatureInfo {
  const info: SignatureInfo = {};
  for (const field of [
    'verificationKeyVersion',
    'verificationKeyId',
    'signatureAlgorithm',
    'appBundleId',
    'androidPackage',
  ] as const) {
    if (typeof raw[field] === 'string') info[field] = raw[field];
  }
  return info;
}

function keysFromRaw(raw: unknown, field: string, source: string): GaenDiagnosisKey[] {
  const list = (raw as Record<string, unknown>[] | undefined) ?? [];
  return list.map((k, i) => {
    const where = `${field}[${i}]`;
    const keyData = k['keyData'];
    if (!(keyData instanceof Uint8Array) || keyData.length !== TEK_BYTES) {
      throw new KeyFileError(
        source,
        `${where}.keyData: expected ${TEK_BYTES} bytes, got ${keyData instanceof Uint8Array ? keyData.length : 0} bytes`,
      );
    }
    const start = checked(
      () =>
        assertEraInterval(k['rollingStartIntervalNumber'], `${where}.rollingStartIntervalNumber`),
      source,
    );
    // proto2 default = 144 (exposure_key_export.proto) when the field is absent.
    const period = typeof k['rollingPeriod'] === 'number' ? k['rollingPeriod'] : TEK_ROLLING_PERIOD;
    if (period < 1 || period > TEK_ROLLING_PERIOD)
      throw new KeyFileError(
        source,
        `${where}.rollingPeriod: expected 1..144 intervals, got ${period}`,
      );
    const key: GaenDiagnosisKey = {
      scheme: 'gaen',
      keyData: new Uint8Array(keyData),
      rollingStartIntervalNumber: start,
      rollingPeriod: period,
    };
    // The ranges GAEN's API gives these fields (TemporaryExposureKey in exposure_key_export.proto).
    const ranged = (name: string, min: number, max: number): number | undefined => {
      const value = k[name];
      if (value === undefined) return undefined;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
        throw new KeyFileError(
          source,
          `${where}.${name}: expected an integer ${min}..${max}, got ${describeValue(value)}`,
        );
      return value;
    };
    const trl = ranged('transmissionRiskLevel', 0, 8);
    if (trl !== undefined) key.transmissionRiskLevel = trl;
    const reportType = ranged('reportType', 0, 5);
    if (reportType !== undefined) key.reportType = reportType;
    const dso = ranged('daysSinceOnsetOfSymptoms', -14, 14);
    if (dso !== undefined) key.daysSinceOnsetOfSymptoms = dso;
    return key;
  });
}

function checked<T>(read: () => T, source: string): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof InputError) throw new KeyFileError(source, error.message);
    throw error;
  }
}

function keyToRaw(key: GaenDiagnosisKey): Record<string, unknown> {
  const raw: Record<string, unknown> = {
    keyData: key.keyData,
    rollingStartIntervalNumber: key.rollingStartIntervalNumber,
    rollingPeriod: key.rollingPeriod,
  };
  if (key.transmissionRiskLevel !== undefined)
    raw['transmissionRiskLevel'] = key.transmissionRiskLevel;
  if (key.reportType !== undefined) raw['reportType'] = key.reportType;
  if (key.daysSinceOnsetOfSymptoms !== undefined)
    raw['daysSinceOnsetOfSymptoms'] = key.daysSinceOnsetOfSymptoms;
  return raw;
}
