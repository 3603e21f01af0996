/**
 * Constants of the Exposure Notification cryptography specification v1.2 (Apple & Google, April 2020).
 * @module
 */

/** Seconds in one ENIntervalNumber (spec §"ENIntervalNumber": 10-minute windows since the Unix epoch). */
export const EN_INTERVAL_S = 600;
/** TEKRollingPeriod: intervals a Temporary Exposure Key is valid for (144 × 10 min = 1 day). */
export const TEK_ROLLING_PERIOD = 144;
/** Bytes of a Temporary Exposure Key, RPIK, AEMK and RPI. */
export const TEK_BYTES = 16;
/** Bytes of a Rolling Proximity Identifier. */
export const RPI_BYTES = 16;
/** Bytes of the Associated Encrypted Metadata carried in the advertisement (spec v1.2 Bluetooth §"Metadata"). */
export const AEM_BYTES = 4;
/** Matching tolerance around an RPI's own interval (the reference implementation's ±2 hours). */
export const RPI_MATCH_TOLERANCE_MS = 2 * 60 * 60 * 1000;
