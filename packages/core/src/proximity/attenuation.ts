/**
 * Attenuation as GAEN defines it: attenuation = TX power − (RSSI + receiver's RSSI correction).
 * Higher attenuation means farther (or more obstructed).
 * @module
 */

/** Attenuation in dB of one reading. */
export function attenuationDb(txPowerDbm: number, rssiDbm: number, rssiCorrectionDb = 0): number {
  return txPowerDbm - (rssiDbm + rssiCorrectionDb);
}
