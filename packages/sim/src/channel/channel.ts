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
import { NORMAL_TABLE, NORMAL_TABLE_BINS, normalQuantile } from '../random/normal.js';
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
  /** Dual-slope path loss: dB per decade below and beyond the breakpoint, and the loss at it. */
  private readonly breakpointM: number;
  private readonly nearDbPerDecade: number;
  private readonly lossAtBreakpointDb: number;
  private readonly farDbPerDecade: number;
  /**
   * The two knots around a time, written by knotGaussians, and at 2 the shadowing they give (see
   * {@link shadowInto}): out-parameters keep doubles unboxed.
   */
  private readonly knots = new Float64Array(3);

  constructor(
    readonly spec: ChannelSpec,
    private readonly seed: number,
  ) {
    // Two knots per correlation time: the interpolated process then decorrelates over about that time.
    this.knotS = spec.shadowingCorrelationS / 2;
    this.breakpointM = spec.breakpointM;
    this.nearDbPerDecade = 10 * spec.pathLossExponent;
    this.lossAtBreakpointDb = this.nearDbPerDecade * Math.log10(spec.breakpointM);
    this.farDbPerDecade = 10 * spec.farPathLossExponent;
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
    const d = distanceM > this.minDistanceM ? distanceM : this.minDistanceM;
    const pathLossDb =
      d <= this.breakpointM
        ? this.nearDbPerDecade * Math.log10(d)
        : this.lossAtBreakpointDb + this.farDbPerDecade * Math.log10(d / this.breakpointM);
    return this.spec.rssiAt1mDbm - pathLossDb - extraLossDb;
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
    // medianRssiAtDbm written out: a call per link would box its result.
    const { minDistanceM, breakpointM, nearDbPerDecade, lossAtBreakpointDb, farDbPerDecade } = this;
    const rssiAt1mDbm = this.spec.rssiAt1mDbm;
    for (let i = 0; i < n; i++) {
      if (sent[i] === 0) continue;
      const distance = distanceM[i]!;
      const d = distance > minDistanceM ? distance : minDistanceM;
      const pathLossDb =
        d <= breakpointM
          ? nearDbPerDecade * Math.log10(d)
          : lossAtBreakpointDb + farDbPerDecade * Math.log10(d / breakpointM);
      this.shadowInto(advertisers[i]!, scanner, tS);
      medianDbm[i] = rssiAt1mDbm - pathLossDb - medianDbm[i]! + this.knots[2]!;
    }
  }

  /** Shadowing of the unordered pair (a, b) at time tS, dB: N(0, σ²) at every t, correlated over time. */
  shadowingDb(a: number, b: number, tS: number): number {
    this.shadowInto(a, b, tS);
    return this.knots[2]!;
  }

  /**
   * {@link shadowingDb} into `knots[2]`: the link budget's loop reads it from there, where a returned
   * double boxed once per link when the call was not inlined (an eighth of what a run allocated).
   */
  private shadowInto(a: number, b: number, tS: number): void {
    const knots = this.knots;
    const sigma = this.spec.shadowingSigmaDb;
    if (sigma === 0) {
      knots[2] = 0;
      return;
    }
    const lo = a < b ? a : b;
    const hi = a < b ? b : a;
    const u = tS / this.knotS;
    // A small whole number: as an integer it is passed on without boxing.
    const k = Math.floor(u) | 0;
    const f = u - k;
    // Smoothstep weights; dividing by the weights' norm keeps the variance σ² between knots too.
    const w1 = f * f * (3 - 2 * f);
    const w0 = 1 - w1;
    knotGaussians(this.seed, lo, hi, k, knots);
    const g = (w0 * knots[0]! + w1 * knots[1]!) / Math.sqrt(w0 * w0 + w1 * w1);
    knots[2] = sigma * g;
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

/**
 * Standard normals from a hash of (seed, pair, knot), for knots k and k + 1 into out[0] and out[1]: the
 * normal quantile of one 32-bit hash each, interpolated in the table the fast fading uses (exact in its
 * outermost bins). Box–Muller took two hashes, a log, a square root and a cosine a knot: at a district's
 * 80 M links an hour that was several seconds.
 */
function knotGaussians(seed: number, lo: number, hi: number, k: number, out: Float64Array): void {
  const toBin = NORMAL_TABLE_BINS / 4294967296;
  for (let j = 0; j < 2; j++) {
    const x = ((hash4(seed, lo, hi, k + j) >>> 0) + 0.5) * toBin;
    const bin = x | 0;
    // Written first, then replaced in the outermost bins: a call's result in the same expression made
    // the compiler box every knot's value (a fifth of everything a run allocated).
    out[j] = NORMAL_TABLE[bin]! + (x - bin) * (NORMAL_TABLE[bin + 1]! - NORMAL_TABLE[bin]!);
    if (bin < 1 || bin >= NORMAL_TABLE_BINS - 1) out[j] = normalQuantile(x / NORMAL_TABLE_BINS);
  }
}

/** MurmurHash3-style mixing of four 32-bit words, as a signed 32-bit integer (read it `>>> 0`). */
function hash4(a: number, b: number, c: number, d: number): number {
  let h = mixWord(mixWord(mixWord(a >>> 0, b), c), d);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

function mixWord(h: number, v: number): number {
  let k = Math.imul(v | 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}
