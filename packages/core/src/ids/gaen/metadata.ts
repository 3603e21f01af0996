/**
 * The 4-byte Bluetooth metadata encrypted into the AEM (Exposure Notification Bluetooth specification
 * v1.2 §"Metadata"): byte 0 versioning (major in bits 7–6, minor in bits 5–4), byte 1 TX power level as
 * int8 dBm, bytes 2–3 reserved (zero).
 * @module
 */
import { assertBytes } from '../../bytes/index.js';
import { InputError } from '../../errors.js';
import { AEM_BYTES } from './constants.js';

/** Decoded Bluetooth metadata. */
export interface GaenMetadata {
  /** Major protocol version, 0..3 (1 for v1.x). */
  versionMajor: number;
  /** Minor protocol version, 0..3. */
  versionMinor: number;
  /** Transmit power level in dBm (int8), used for attenuation = TX power − RSSI. */
  txPowerDbm: number;
  /**
   * Transmit power calibration confidence 0..3 (byte 0 bits 3–2, added in metadata v1.1; 0 = lowest), as
   * google/exposure-notifications-internals `BluetoothMetadata.calibrationConfidence()` reads it.
   */
  calibrationConfidence?: number;
}

/** Encodes metadata; defaults are version 1.0 as the spec's own vectors use. */
export function encodeGaenMetadata({
  versionMajor = 1,
  versionMinor = 0,
  txPowerDbm,
  calibrationConfidence = 0,
}: Partial<GaenMetadata> & { txPowerDbm: number }): Uint8Array {
  if (!Number.isInteger(versionMajor) || versionMajor < 0 || versionMajor > 3)
    throw new InputError('versionMajor', 'an integer 0..3', String(versionMajor));
  if (!Number.isInteger(versionMinor) || versionMinor < 0 || versionMinor > 3)
    throw new InputError('versionMinor', 'an integer 0..3', String(versionMinor));
  if (!Number.isInteger(txPowerDbm) || txPowerDbm < -128 || txPowerDbm > 127)
    throw new InputError('txPowerDbm', 'an integer -128..127 dBm', String(txPowerDbm));
  if (
    !Number.isInteger(calibrationConfidence) ||
    calibrationConfidence < 0 ||
    calibrationConfidence > 3
  )
    throw new InputError('calibrationConfidence', 'an integer 0..3', String(calibrationConfidence));
  return new Uint8Array([
    (versionMajor << 6) | (versionMinor << 4) | (calibrationConfidence << 2),
    txPowerDbm & 0xff,
    0,
    0,
  ]);
}

/** Decodes the 4 metadata bytes (after AEM decryption). */
export function decodeGaenMetadata(metadata: Uint8Array): GaenMetadata {
  assertBytes(metadata, 'metadata', AEM_BYTES);
  const tx = metadata[1]!;
  return {
    versionMajor: metadata[0]! >> 6,
    versionMinor: (metadata[0]! >> 4) & 3,
    txPowerDbm: tx > 127 ? tx - 256 : tx,
    calibrationConfidence: (metadata[0]! >> 2) & 3,
  };
}
