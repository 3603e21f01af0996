/**
 * The Bluezone app's RSSI close-contact rule over exposure windows.
 * @module
 */
import { describeValue } from '../bytes/index.js';
import { BLUEZONE_RSSI_THRESHOLDS_DBM, type BluezonePlatformPair } from '../episodes/config.js';
import { parseJsonObject } from '../jsonFile.js';
import { utcDayOf } from '../utcDay.js';
import { RiskInputError, type RiskWindow } from './windows.js';

/** Settings of the Bluezone rule. */
export interface BluezoneRuleConfig {
  /** Platform pair (scanner→advertiser) for contacts not listed below. */
  bluezonePlatformPair: BluezonePlatformPair;
  /** The app picks the pair per peer: pairs by contact. */
  bluezonePlatformPairByContact?: Record<string, BluezonePlatformPair>;
}

/**
 * The Bluezone app's close-contact rule: a contact is close when any record of it is stronger (strictly)
 * than the threshold of the platform pair chosen for that peer; no duration. Reads the scan instances'
 * `maxRssiDbm` (proxsense's extra field; GAEN windows alone carry no RSSI).
 */
export function bluezoneRisk(
  windows: readonly RiskWindow[],
  config: BluezoneRuleConfig = { bluezonePlatformPair: 'generic' },
): {
  closeContact: boolean;
  contacts: {
    contact: string;
    date: string;
    platformPair: BluezonePlatformPair;
    thresholdDbm: number;
    maxRssiDbm: number;
    closeContact: boolean;
  }[];
} {
  const byKey = new Map<
    string,
    {
      contact: string;
      date: string;
      platformPair: BluezonePlatformPair;
      thresholdDbm: number;
      maxRssiDbm: number;
      closeContact: boolean;
    }
  >();
  windows.forEach((w, i) => {
    const contact = w.contact ?? `window ${i}`;
    const pair = config.bluezonePlatformPairByContact?.[contact] ?? config.bluezonePlatformPair;
    const threshold = BLUEZONE_RSSI_THRESHOLDS_DBM[pair];
    const date = utcDayOf(w.dateMillisSinceEpoch);
    const key = `${date}\u0000${contact}`;
    let entry = byKey.get(key);
    if (!entry)
      byKey.set(
        key,
        (entry = {
          contact,
          date,
          platformPair: pair,
          thresholdDbm: threshold,
          maxRssiDbm: -Infinity,
          closeContact: false,
        }),
      );
    w.scanInstances.forEach((s, j) => {
      if (s.maxRssiDbm === undefined)
        throw new RiskInputError(
          'windows',
          `[${i}].scanInstances[${j}].maxRssiDbm: the Bluezone rule needs each scan's RSSI (windows from proxsense episodes carry it)`,
        );
      entry.maxRssiDbm = Math.max(entry.maxRssiDbm, s.maxRssiDbm);
      if (s.maxRssiDbm > threshold) entry.closeContact = true;
    });
  });
  const contacts = [...byKey.values()].sort((a, b) =>
    a.date < b.date ? -1 : a.date > b.date ? 1 : a.contact < b.contact ? -1 : 1,
  );
  return { closeContact: contacts.some((c) => c.closeContact), contacts };
}

/** Reads the Bluezone rule's settings: `{"bluezonePlatformPair"?, "bluezonePlatformPairByContact"?}`. */
export function parseBluezoneRuleJson(text: string, source: string): BluezoneRuleConfig {
  const o = parseJsonObject(text, source, RiskInputError, 'an object of settings');
  const pairs = Object.keys(BLUEZONE_RSSI_THRESHOLDS_DBM);
  const config: BluezoneRuleConfig = { bluezonePlatformPair: 'generic' };
  for (const [k, v] of Object.entries(o)) {
    if (k === 'bluezonePlatformPair') {
      if (!pairs.includes(v as string))
        throw new RiskInputError(
          source,
          `bluezonePlatformPair: expected one of ${pairs.join(', ')}, got ${describeValue(v)}`,
        );
      config.bluezonePlatformPair = v as BluezonePlatformPair;
    } else if (k === 'bluezonePlatformPairByContact') {
      if (typeof v !== 'object' || v === null || Array.isArray(v))
        throw new RiskInputError(
          source,
          `bluezonePlatformPairByContact: expected {contact: platform pair}, got ${describeValue(v)}`,
        );
      for (const [c, p] of Object.entries(v))
        if (!pairs.includes(p as string))
          throw new RiskInputError(
            source,
            `bluezonePlatformPairByContact["${c}"]: expected one of ${pairs.join(', ')}, got ${describeValue(p)}`,
          );
      config.bluezonePlatformPairByContact = { ...(v as Record<string, BluezonePlatformPair>) };
    } else
      throw new RiskInputError(
        source,
        `unknown setting "${k}" (known: bluezonePlatformPair, bluezonePlatformPairByContact)`,
      );
  }
  return config;
}
