/**
 * From matches to episode input: each matched sighting, with the TX power its AEM decrypted to when it
 * carried none, and its diagnosis key as the contact (with the key's report type and onset days).
 * @module
 */
import { bytesToHex } from '../bytes/index.js';
import type { Match } from '../matching/match.js';
import type { Sighting } from '../sightings/sighting.js';
import type { ContactInfo } from './builder.js';

/**
 * Matched sightings, the contact of each and its decrypted calibration confidence, ready for
 * `exposureWindows(sightings, config, contactOf, { calibrationConfidenceOf, scans })`.
 */
export function contactsFromMatches(matches: Iterable<Match>): {
  sightings: Sighting[];
  contactOf: (s: Sighting, idHex: string) => ContactInfo;
  calibrationConfidenceOf: (s: Sighting) => number | undefined;
} {
  const contacts = new Map<Sighting, ContactInfo>();
  const confidence = new Map<Sighting, number>();
  const sightings: Sighting[] = [];
  for (const m of matches) {
    const s =
      m.decryptedTxPowerDbm !== undefined && m.sighting.txPowerDbm === undefined
        ? { ...m.sighting, txPowerDbm: m.decryptedTxPowerDbm }
        : m.sighting;
    const key = m.key;
    const info: ContactInfo = {
      contact: bytesToHex(key.scheme === 'gaen' ? key.keyData : key.dailyKey),
    };
    if (key.scheme === 'gaen' && key.reportType !== undefined) info.reportType = key.reportType;
    if (key.scheme === 'gaen' && key.daysSinceOnsetOfSymptoms !== undefined)
      info.daysSinceOnsetOfSymptoms = key.daysSinceOnsetOfSymptoms;
    contacts.set(s, info);
    if (m.decryptedCalibrationConfidence !== undefined)
      confidence.set(s, m.decryptedCalibrationConfidence);
    sightings.push(s);
  }
  return {
    sightings,
    contactOf: (s, idHex) => contacts.get(s) ?? { contact: idHex },
    calibrationConfidenceOf: (s) => confidence.get(s),
  };
}
