/**
 * How loud one advert arrives: the channel model of an {@link Air}. The simulator's `Channel`
 * (packages/sim/src/channel) fits through {@link simChannel}; simple tests use {@link fixedRssiChannel}.
 * @module
 */
import type { Random } from '@proxsense/core';

/** A node on the air as the channel sees it. */
export interface AirPosition {
  /** Index of the node on its air (stable; the channel's per-pair state is keyed by it). */
  readonly index: number;
  /** Position, m. */
  readonly positionM: { x: number; y: number };
}

/** RSSI of one advert from `from` heard at `to` at `timeMs`, dBm; undefined when it is lost. */
export interface AirChannel {
  rssiDbm(from: AirPosition, to: AirPosition, timeMs: number): number | undefined;
}

/** Every advert heard at one RSSI (tests that check bytes and timing, not levels). */
export function fixedRssiChannel(rssiDbm: number): AirChannel {
  return { rssiDbm: () => rssiDbm };
}

/**
 * The part of the simulator's `Channel` used here (structural, so node-radio needs no dependency on
 * @proxsense/sim): median path loss, correlated shadowing per pair, fast fading σ and the sensitivity floor.
 */
export interface SimChannelLike {
  readonly spec: { fastFadingSigmaDb: number; sensitivityDbm: number };
  medianRssiDbm(link: {
    distanceM: number;
    carryLossDb: number;
    deviceOffsetDb: number;
    wallLossDb: number;
  }): number;
  shadowingDb(a: number, b: number, tS: number): number;
}

/**
 * RSSI from the simulator's channel model at the nodes' distance: median path loss + shadowing + fast
 * fading drawn from `random`, below the sensitivity floor lost. Carry, device offsets and walls: 0 dB
 * (two devices in the open, hand to hand).
 */
export function simChannel(channel: SimChannelLike, random: Random): AirChannel {
  const gaussian = () => {
    const b = random.randomBytes(8);
    const u1 = ((b[0]! | (b[1]! << 8) | (b[2]! << 16)) + 1) / 16777217;
    const u2 = (b[4]! | (b[5]! << 8) | (b[6]! << 16)) / 16777216;
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  };
  return {
    rssiDbm(from, to, timeMs) {
      const distanceM = Math.hypot(
        from.positionM.x - to.positionM.x,
        from.positionM.y - to.positionM.y,
      );
      const median = channel.medianRssiDbm({
        distanceM,
        carryLossDb: 0,
        deviceOffsetDb: 0,
        wallLossDb: 0,
      });
      const rssi =
        median +
        channel.shadowingDb(from.index, to.index, timeMs / 1000) +
        channel.spec.fastFadingSigmaDb * gaussian();
      return rssi < channel.spec.sensitivityDbm ? undefined : rssi;
    },
  };
}
