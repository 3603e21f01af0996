/**
 * The radio channel between two phones, per advert: log-distance path loss, log-normal shadowing
 * correlated in time per pair, fast fading per advert, carry-position loss at both ends, per-phone TX and
 * RX offsets, walls, a sensitivity floor and collisions that grow with the advertisers in range.
 * Defaults and their sources: the scenario schema and docs/channel-fit.md.
 *
 * Shadowing is stateless: a pair's value at time t interpolates Gaussian knots placed every
 * `shadowingCorrelationS`, each knot drawn from a hash of (seed, pair, knot). So it is the same whichever
 * phone asks first, needs no per-pair memory, and a run's result does not depend on event order.
 * @module
 */
import type { ChannelSpec } from '../scenario/schema.js';

/** Link terms that do not change per advert: everything but fast fading, collisions and the floor. */
export interface LinkContext {
  distanceM: number;
  /** Σ carry losses of both ends, dB. */
  carryLossDb: number;
  /** TX offset of the advertiser + RX offset of the scanner, dB. */
  deviceOffsetDb: number;
  wallLossDb: number;
}

export class Channel {
  private readonly minDistanceM = 0.1;
  private readonly knotS: number;

  constructor(
    readonly spec: ChannelSpec,
    private readonly seed: number,
  ) {
    // Two knots per correlation time: the interpolated process then decorrelates over about that time.
    this.knotS = spec.shadowingCorrelationS / 2;
  }

  /**
   * Median RSSI of a link before shadowing and fading, dBm. Dual-slope: the fitted exponent holds over the
   * data's range (to `breakpointM`); beyond it the indoor exponent of ITU-R P.1238 takes over, since the
   * near-flat body-worn slope cannot be extrapolated across a room.
   */
  medianRssiDbm(link: LinkContext): number {
    return this.medianRssiAtDbm(
      link.distanceM,
      link.carryLossDb - link.deviceOffsetDb + link.wallLossDb,
    );
  }

  /** {@link medianRssiDbm} from the distance and the link's net extra loss (carry + walls − device offsets). */
  medianRssiAtDbm(distanceM: number, extraLossDb: number): number {
    const { rssiAt1mDbm, pathLossExponent, breakpointM, farPathLossExponent } = this.spec;
    const d = distanceM > this.minDistanceM ? distanceM : this.minDistanceM;
    const pathLossDb =
      d <= breakpointM
        ? 10 * pathLossExponent * Math.log10(d)
        : 10 * pathLossExponent * Math.log10(breakpointM) +
          10 * farPathLossExponent * Math.log10(d / breakpointM);
    return rssiAt1mDbm - pathLossDb - extraLossDb;
  }

  /**
   * Many links of one scanner at once, in place: `medianDbm[i]` holds link i's net extra loss on entry
   * and its median RSSI plus shadowing at `tS` on return, for the links with `sent[i] > 0` (the others are
   * left alone). Same values as {@link medianRssiAtDbm} + {@link shadowingDb} one by one, without a
   * boxed number per call.
   */
  linkMediansDbm(
    scanner: number,
    advertisers: Uint32Array,
    distanceM: Float64Array,
    sent: Uint32Array,
    medianDbm: Float64Array,
    n: number,
    tS: number,
  ): void {
    for (let i = 0; i < n; i++) {
      if (sent[i] === 0) continue;
      medianDbm[i] =
        this.medianRssiAtDbm(distanceM[i]!, medianDbm[i]!) +
        this.shadowingDb(advertisers[i]!, scanner, tS);
    }
  }

  /** Shadowing of the unordered pair (a, b) at time tS, dB: N(0, σ²) at every t, correlated over time. */
  shadowingDb(a: number, b: number, tS: number): number {
    const sigma = this.spec.shadowingSigmaDb;
    if (sigma === 0) return 0;
    const lo = a < b ? a : b;
    const hi = a < b ? b : a;
    const u = tS / this.knotS;
    const k = Math.floor(u);
    const f = u - k;
    // Smoothstep weights; dividing by the weights' norm keeps the variance σ² between knots too.
    const w1 = f * f * (3 - 2 * f);
    const w0 = 1 - w1;
    const g =
      (w0 * knotGaussian(this.seed, lo, hi, k) + w1 * knotGaussian(this.seed, lo, hi, k + 1)) /
      Math.sqrt(w0 * w0 + w1 * w1);
    return sigma * g;
  }

  /** Probability an advert survives collisions with `advertisersInRange` others (pure ALOHA on one channel of three, all three advertised). */
  survivalProbability(advertisersInRange: number): number {
    if (!this.spec.collisions || advertisersInRange <= 0) return this.spec.scanDutyCycle;
    // An advert is lost if another starts within its airtime either side: rate = others / interval.
    return (
      this.spec.scanDutyCycle *
      Math.exp((-2 * advertisersInRange * this.spec.advertAirtimeMs) / this.spec.advertIntervalMs)
    );
  }
}

/** A standard normal from a hash of (seed, pair, knot): Box–Muller on two 32-bit hashes. */
function knotGaussian(seed: number, lo: number, hi: number, k: number): number {
  const h1 = hash4(seed, lo, hi, k);
  const h2 = hash4(seed ^ 0x5bd1e995, hi, lo, k ^ 0x27d4eb2f);
  const u1 = (h1 + 1) / 4294967297;
  const u2 = h2 / 4294967296;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** MurmurHash3-style mixing of four 32-bit words (unrolled: this runs per advert). */
function hash4(a: number, b: number, c: number, d: number): number {
  let h = mixWord(mixWord(mixWord(a >>> 0, b), c), d);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function mixWord(h: number, v: number): number {
  let k = Math.imul(v | 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}
