/**
 * Physical ranges every proximity reader checks at the file boundary, so nothing downstream computes a
 * distance from an impossible reading (a GAEN metadata byte can hold −127…+127, but no phone transmits
 * at −127 or +100 dBm).
 * @module
 */

/**
 * Advertised / calibrated BLE TX power, dBm. Bluetooth Core allows −20…+20 dBm for LE; GAEN calibration
 * tables and phones' advertised values lie within −40…+20, which this range admits with margin.
 */
export const TX_POWER_RANGE_DBM = { min: -40, max: 20 } as const;

/** Received signal strength, dBm: the HCI RSSI field's −127…+20 (127 means "not available"). */
export const RSSI_RANGE_DBM = { min: -127, max: 20 } as const;

/** Labelled distances, m: 1 cm (phones touching) to 1 km. */
export const DISTANCE_RANGE_M = { min: 0.01, max: 1000 } as const;

/** Row times, ms since the epoch (or any origin): 0 up to what a JavaScript Date can hold. */
export const TIME_RANGE_MS = { min: 0, max: 8.64e15 } as const;
