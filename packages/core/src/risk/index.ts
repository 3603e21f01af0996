/**
 * National risk rules as data, over exposure windows: Germany's Corona-Warn-App risk calculation
 * configured by its own parameter object, and the Bluezone app's RSSI rule. GAEN's own daily summaries
 * are `gaenDailySummaries` in episodes/.
 * @module
 */
export { parseWindowsJson, RiskInputError, type RiskWindow } from './windows.js';
export * from './cwa.js';
export * from './bluezone.js';
