/**
 * What a firmware reads and never changes that a host's firmwares usually have in common (profile,
 * scheduler, crypto, episode settings, the shared decode cache and scan pool), kept in one object that
 * firmwares made with the same values share. A simulated crowd makes 100 k firmwares from a handful of
 * such sets: eight fields of each firmware's own cost it 56 bytes a phone, one field 8.
 * @module
 */
import type { CryptoProvider } from '../crypto/provider.js';
import type { EpisodeConfig } from '../episodes/config.js';
import type { AdvertDecodeCache } from './advertCache.js';
import type { ExposureEvent } from './firmware.js';
import type { Scheduler } from './ports.js';
import type { FirmwareProfile } from './profiles.js';
import type { ScanAggregatePool } from './scanAggregates.js';

/** The settings one {@link FirmwareSharedSettings} holds (each compared by identity). */
export interface FirmwareSharedSettings {
  readonly profile: FirmwareProfile;
  readonly scheduler: Scheduler;
  readonly crypto: CryptoProvider;
  readonly retentionMs: number;
  readonly episodeConfig: Partial<EpisodeConfig> | undefined;
  readonly onExposure: ((event: ExposureEvent) => void) | undefined;
  readonly decodeCache: AdvertDecodeCache;
  readonly scanPool: ScanAggregatePool;
}

/**
 * How many recent sets are looked at for one to share: a crowd makes its firmwares from one set per
 * device model (their episode settings differ), interleaved, and has a handful of models.
 */
const RECENT_SETS = 16;

/**
 * Recent sets, the most recently used last, held weakly: the firmwares that use a set keep it alive,
 * and a finished simulation's scheduler and pools are not kept by this module. Where the engine has no
 * WeakRef, nothing is shared.
 */
const recent: WeakRef<FirmwareSharedSettings>[] = [];

/**
 * The shared object holding exactly `settings` (compared field by field, by identity): one made
 * earlier if a firmware still holds it and it is among the {@link RECENT_SETS} last used, else
 * `settings` itself, remembered for the next caller.
 */
export function sharedSettings(settings: FirmwareSharedSettings): FirmwareSharedSettings {
  if (typeof WeakRef !== 'function') return settings;
  for (let i = recent.length - 1; i >= 0; i--) {
    const held = recent[i]!.deref();
    if (!held || !sameSettings(held, settings)) continue;
    recent.push(recent.splice(i, 1)[0]!);
    return held;
  }
  recent.push(new WeakRef(settings));
  if (recent.length > RECENT_SETS) recent.shift();
  return settings;
}

function sameSettings(a: FirmwareSharedSettings, b: FirmwareSharedSettings): boolean {
  return (
    a.profile === b.profile &&
    a.scheduler === b.scheduler &&
    a.crypto === b.crypto &&
    Object.is(a.retentionMs, b.retentionMs) &&
    a.episodeConfig === b.episodeConfig &&
    a.onExposure === b.onExposure &&
    a.decodeCache === b.decodeCache &&
    a.scanPool === b.scanPool
  );
}
