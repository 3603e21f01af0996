/**
 * From matches to episode input: each matched sighting, with the TX power its AEM decrypted to when it
 * carried none, and its diagnosis key as the contact (with the key's report type and onset days).
 * @module
 */
import { bytesToHex } from '../bytes/index.js';
import type { Match } from '../matching/match.js';
import type { Sighting } from '../sightings/sighting.js';
import type { ContactInfo } from './builder.js';

/** Matched sightings and the contact of each, ready for `exposureWindows(sightings, config, contactOf)`. */
export function contactsFromMatches(matches: Iterable<Match>): { sightings: Sighting[]; contactOf: (s: Sighting, idHex: string) => ContactInfo } {
  const contacts = new Map<Sighting, ContactInfo>();
  const sightings: Sighting[] = [];
  for (const m of matches) {
    const s = m.decryptedTxPowerDbm !== undefined && m.sighting.txPowerDbm === undefined ? { ...m.sighting, txPowerDbm: m.decryptedTxPowerDbm } : m.sighting;
    const key = m.key;
    const info: ContactInfo = { contact: bytesToHex(key.scheme === 'gaen' ? key.keyData : key.dailyKey) };
    if (key.scheme === 'gaen' && key.reportType !== undefined) info.reportType = key.reportType;
    if (key.scheme === 'gaen' && key.daysSinceOnsetOfSymptoms !== undefined) info.daysSinceOnsetOfSymptoms = key.daysSinceOnsetOfSymptoms;
    contacts.set(s, info);
    sightings.push(s);
  }
  return { sightings, contactOf: (s, idHex) => contacts.get(s) ?? { contact: idHex } };
}
