/**
 * Physical ranges every proximity reader checks at the file boundary, so nothing downstream computes a
 * distance from an impossible reading (a GAEN metadata byte can hold −127…+127, but no phone transmits
 * at −127 or +100 dBm).
 * @module
 */

import { RSSI_RANGE_DBM, TX_POWER_RANGE_DBM } from '../sightings/sighting.js';

/** Advertised / calibrated TX power of a CSV cell, dBm: the range sightings have. */
export const TX_POWER_CELL_DBM = { min: TX_POWER_RANGE_DBM[0], max: TX_POWER_RANGE_DBM[1] } as const;

/** Received signal strength of a CSV cell, dBm: the range sightings have (HCI's −127…+20). */
export const RSSI_CELL_DBM = { min: RSSI_RANGE_DBM[0], max: RSSI_RANGE_DBM[1] } as const;

/** Labelled distances, m: 1 cm (phones touching) to 1 km. */
export const DISTANCE_RANGE_M = { min: 0.01, max: 1000 } as const;

/** Row times, ms since the epoch (or any origin): 0 up to what a JavaScript Date can hold. */
export const TIME_RANGE_MS = { min: 0, max: 8.64e15 } as const;
