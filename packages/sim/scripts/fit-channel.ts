/**
 * Fits the simulator's radio-channel defaults (packages/sim/src/channel/fitted.ts) to real phone RSSI data:
 *   - rss_smartphone (Ng et al.): people walking/standing, 6 carry-position pairs, 4 receiver models;
 *   - Herald "edison" reference data: line of sight, robot-moved phones, 12 models.
 * Method and results: packages/sim/docs/channel-fit.md.
 *
 * Run from the repo root:  npx tsx packages/sim/scripts/fit-channel.ts [--shared ../shared] [--herald-every N] [--boot B]
 *
 * Everything is plain weighted least squares on per-series mean RSSI (dB) so that one long series cannot
 * dominate; uncertainties are seeded bootstrap percentiles (stratified so every design cell stays present).
 * @module
 */
import { createReadStream, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { fitContextModel, parseCsv, readRowReadings } from '@proxsense/core';

// ---------------------------------------------------------------------------------------------------------
// Types

/** A fitted value with its bootstrap 95 % percentile interval and standard error. */
export interface Estimate {
  value: number;
  lo: number;
  hi: number;
  se: number;
}

export interface ResidualShape {
  n: number;
  sdDb: number;
  skewness: number;
  q05Db: number;
  q50Db: number;
  q95Db: number;
}

export interface ChannelFit {
  smartphone: {
    series: number;
    samples: number;
    /** Log-distance fit on all samples ignoring carry position: the README's σ ≈ 11 dB check. */
    naiveLogDistance: { rssiAt1mDbm: number; pathLossExponent: number; sigmaDb: number };
    /** HandHand series only, per-series means. */
    handHand: { rssiAt1mDbm: Estimate; pathLossExponent: Estimate };
    /** Joint fit: common exponent, receiver-model effects, pair intercepts, then additive carry losses. */
    joint: {
      rssiAt1mDbm: Estimate;
      pathLossExponent: Estimate;
      carryLossPocketDb: Estimate;
      carryLossBackpackDb: Estimate;
      /** Loss of each position pair relative to HandHand from stage 1 (before the additive model). */
      pairLossDb: Record<string, number>;
      /** RMS misfit of the additive model over the six pairs, dB. */
      additiveMisfitDb: number;
      modelEffectDb: Record<string, number>;
    };
    /** Same as joint but without receiver-model effects (positions and models are partly confounded). */
    jointNoModel: {
      rssiAt1mDbm: number;
      pathLossExponent: number;
      carryLossPocketDb: number;
      carryLossBackpackDb: number;
    };
    /**
     * The context-aware calibration `proxsense calibrate fit` runs (core fitContextModel, position + model,
     * shrunk offsets, series-weighted): the simulator's spreads come from it, so the simulator and the
     * estimator rest on one fit.
     */
    calibration: {
      betweenSeriesSigmaDb: number;
      withinSeriesSigmaDb: number;
      sigmaDb: number;
      pathLossExponent: number;
    };
    /** Between-series spread of per-series mean residuals (joint model), dB. */
    betweenSeriesSigmaDb: Estimate;
    /** Pooled within-series SD, dB. */
    withinSeriesSigmaDb: Estimate;
    /** Covariance of within-series residuals vs lag, from the series with ≤ 10 ms time resolution. */
    acf: { lagS: number[]; covDb2: number[]; pairs: number[] };
    /** Part of the within-series variance that is correlated between adverts (lag 0.5–1 s), dB. */
    withinSlowSigmaDb: Estimate;
    /** Within-series variance left for iid fading once the slow part is removed, dB. */
    withinFastSigmaDb: Estimate;
    /** e-folding time of the within-series residual covariance, s. */
    withinCorrelationS: Estimate;
    /** Series usable for the ACF, their time-resolution counts and median span. */
    timeResolution: {
      usableSeries: number;
      coarseSeries: number;
      medianSpanS: number;
      minSpanS: number;
      maxSpanS: number;
    };
    residualTotal: ResidualShape;
    residualWithin: ResidualShape;
    minRssiByModelDbm: Record<string, number>;
  };
  herald: {
    rowsRead: number;
    rowsUsed: number;
    everyNth: number;
    series: number;
    links: number;
    rssiAt1mDbm: Estimate;
    pathLossExponent: Estimate;
    /** Spread of per-link (test × direction) offsets, dB: var = 2 σ_device² under the simulator's model. */
    linkOffsetSigmaDb: Estimate;
    /** linkOffsetSigmaDb / √2. */
    deviceOffsetSigmaDb: Estimate;
    /** Spread of per-receiver-model mean offsets, dB (receiver and transmitter confounded). */
    receiverModelOffsetSigmaDb: Estimate;
    receiverModelOffsetDb: Record<string, number>;
    betweenSeriesSigmaDb: number;
    withinSeriesSigmaDb: number;
    residualTotal: ResidualShape;
    minRssiByModelDbm: Record<string, number>;
  };
  /** Median over all phone models in both data sets of the lowest RSSI each reported. */
  sensitivityDbm: number;
  defaults: ChannelDefaults;
}

export interface ChannelDefaults {
  rssiAt1mDbm: number;
  pathLossExponent: number;
  shadowingSigmaDb: number;
  shadowingCorrelationS: number;
  fastFadingSigmaDb: number;
  deviceOffsetSigmaDb: number;
  sensitivityDbm: number;
  carryLossDb: { hand: number; pocket: number; bag: number; backpack: number };
}

export interface FitOptions {
  /** Use every Nth Herald row (deterministic subsample); 1 = all 2.2 M rows. */
  heraldEveryNth?: number;
  /** Bootstrap replicates. */
  bootstrapReps?: number;
  seed?: number;
}

// ---------------------------------------------------------------------------------------------------------
// Small numerics

/** mulberry32: tiny seeded PRNG so the bootstrap is reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Weighted least squares via the normal equations and Gaussian elimination with partial pivoting.
 * X is row-major (n × p). The systems here are tiny (p ≤ 12) and well scaled, so this is accurate enough.
 */
export function lstsq(
  X: Float64Array,
  y: Float64Array,
  w: Float64Array | null,
  p: number,
): Float64Array {
  const n = y.length;
  const A = new Float64Array(p * (p + 1));
  const cols = p + 1;
  for (let i = 0; i < n; i++) {
    const wi = w ? (w[i] as number) : 1;
    if (wi === 0) continue;
    const yi = y[i] as number;
    const off = i * p;
    for (let r = 0; r < p; r++) {
      const xr = (X[off + r] as number) * wi;
      if (xr === 0) continue;
      for (let c = r; c < p; c++)
        A[r * cols + c] = (A[r * cols + c] as number) + xr * (X[off + c] as number);
      A[r * cols + p] = (A[r * cols + p] as number) + xr * yi;
    }
  }
  for (let r = 0; r < p; r++)
    for (let c = 0; c < r; c++) A[r * cols + c] = A[c * cols + r] as number;
  for (let k = 0; k < p; k++) {
    let piv = k;
    for (let r = k + 1; r < p; r++)
      if (Math.abs(A[r * cols + k] as number) > Math.abs(A[piv * cols + k] as number)) piv = r;
    if (piv !== k) {
      for (let c = 0; c <= p; c++) {
        const t = A[k * cols + c] as number;
        A[k * cols + c] = A[piv * cols + c] as number;
        A[piv * cols + c] = t;
      }
    }
    const d = A[k * cols + k] as number;
    if (Math.abs(d) < 1e-12) throw new Error(`lstsq: singular design (column ${k})`);
    for (let r = k + 1; r < p; r++) {
      const f = (A[r * cols + k] as number) / d;
      if (f === 0) continue;
      for (let c = k; c <= p; c++)
        A[r * cols + c] = (A[r * cols + c] as number) - f * (A[k * cols + c] as number);
    }
  }
  const beta = new Float64Array(p);
  for (let r = p - 1; r >= 0; r--) {
    let s = A[r * cols + p] as number;
    for (let c = r + 1; c < p; c++) s -= (A[r * cols + c] as number) * (beta[c] as number);
    beta[r] = s / (A[r * cols + r] as number);
  }
  return beta;
}

function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (n - 1) * q;
  const i = Math.floor(pos);
  const f = pos - i;
  const a = sorted[i] as number;
  const b = sorted[Math.min(i + 1, n - 1)] as number;
  return a + f * (b - a);
}

function median(xs: number[]): number {
  return quantileSorted(Float64Array.from(xs).sort(), 0.5);
}

function estimate(value: number, boots: number[]): Estimate {
  const s = Float64Array.from(boots.filter(Number.isFinite)).sort();
  let m = 0;
  for (const b of s) m += b;
  m /= s.length || 1;
  let v = 0;
  for (const b of s) v += (b - m) ** 2;
  return {
    value,
    lo: quantileSorted(s, 0.025),
    hi: quantileSorted(s, 0.975),
    se: Math.sqrt(v / Math.max(1, s.length - 1)),
  };
}

function shape(res: Float32Array | Float64Array): ResidualShape {
  const n = res.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += res[i] as number;
  m /= n;
  let m2 = 0;
  let m3 = 0;
  for (let i = 0; i < n; i++) {
    const d = (res[i] as number) - m;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= n;
  m3 /= n;
  const sorted = Float64Array.from(res).sort();
  return {
    n,
    sdDb: Math.sqrt(m2),
    skewness: m3 / m2 ** 1.5,
    q05Db: quantileSorted(sorted, 0.05),
    q50Db: quantileSorted(sorted, 0.5),
    q95Db: quantileSorted(sorted, 0.95),
  };
}

/** Bootstrap draw of series indices, resampling within each stratum so every design cell stays present. */
function stratifiedDraw(strata: number[][], next: () => number): Int32Array {
  let total = 0;
  for (const s of strata) total += s.length;
  const out = new Int32Array(total);
  let k = 0;
  for (const s of strata)
    for (let i = 0; i < s.length; i++) out[k++] = s[Math.floor(next() * s.length)] as number;
  return out;
}

const log10 = Math.log10;

// ---------------------------------------------------------------------------------------------------------
// rss_smartphone

const POSITIONS = [
  'HandHand',
  'HandPocket',
  'HandBackpack',
  'PocketPocket',
  'PocketBackpack',
  'BackpackBackpack',
] as const;
/** Ends of each pair in pocket / backpack (receiver first, transmitter second; the additive model is symmetric). */
const POS_COUNTS: Record<string, [number, number]> = {
  HandHand: [0, 0],
  HandPocket: [1, 0],
  HandBackpack: [0, 1],
  PocketPocket: [2, 0],
  PocketBackpack: [1, 1],
  BackpackBackpack: [0, 2],
};

interface SmartSeries {
  id: string;
  position: number;
  model: number;
  distanceM: number;
  tMs: Float64Array;
  rssiDbm: Float64Array;
  meanDbm: number;
}

function loadSmartphone(path: string): { series: SmartSeries[]; models: string[] } {
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  const byId = new Map<
    string,
    { pos: string; model: string; d: number; t: number[]; r: number[] }
  >();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.length === 0) continue;
    const f = line.split(',');
    if (f.length !== 6) throw new Error(`rss_smartphone: bad row ${i}`);
    const id = f[0] as string;
    let s = byId.get(id);
    if (!s) {
      s = { pos: (f[5] as string).trim(), model: f[4] as string, d: Number(f[3]), t: [], r: [] };
      byId.set(id, s);
    }
    s.t.push(Number(f[1]));
    s.r.push(Number(f[2]));
  }
  const models = [...new Set([...byId.values()].map((s) => s.model))].sort();
  const series: SmartSeries[] = [];
  for (const [id, s] of [...byId.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const position = (POSITIONS as readonly string[]).indexOf(s.pos);
    if (position < 0) throw new Error(`rss_smartphone: unknown position ${s.pos}`);
    const rssiDbm = Float64Array.from(s.r);
    let m = 0;
    for (const v of rssiDbm) m += v;
    series.push({
      id,
      position,
      model: models.indexOf(s.model),
      distanceM: s.d,
      tMs: Float64Array.from(s.t),
      rssiDbm,
      meanDbm: m / rssiDbm.length,
    });
  }
  return { series, models };
}

interface JointResult {
  rssiAt1mDbm: number;
  pathLossExponent: number;
  lossPocketDb: number;
  lossBackpackDb: number;
  pairLossDb: number[];
  additiveMisfitDb: number;
  modelEffectDb: number[];
  /** Prediction of each series' mean from the final (additive) model. */
  predict: (s: SmartSeries) => number;
}

/**
 * Groups of receiver models linked by sharing a position pair. In rss_smartphone, HTC One M9 and gryphonelab
 * were used for HandHand, HandPocket, PocketPocket and BackpackBackpack, ASUS_Z00AD and N8 for HandBackpack and
 * PocketBackpack only, so a free intercept per pair cannot tell the two groups apart: their offset has to come
 * from the additive carry model (stage 2).
 */
function modelGroups(series: SmartSeries[], nModels: number): Int32Array {
  const parent = Int32Array.from({ length: nModels }, (_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : find(parent[i] as number));
  const firstAt = new Map<number, number>();
  for (const s of series) {
    const f = firstAt.get(s.position);
    if (f === undefined) firstAt.set(s.position, s.model);
    else parent[find(s.model)] = find(f);
  }
  const roots = new Map<number, number>();
  const g = new Int32Array(nModels);
  for (let m = 0; m < nModels; m++) {
    const r = find(m);
    if (!roots.has(r)) roots.set(r, roots.size);
    g[m] = roots.get(r) as number;
  }
  return g;
}

/**
 * Stage 1: per-series mean = c[pair] − 10 n log10 d (+ receiver-model contrasts inside each model group).
 * Stage 2: c[pair] = A − L(rx end) − L(tx end) (+ an offset per model group other than HandHand's), L(hand) = 0,
 * by least squares over the six pairs. Every series weighs the same. A is then reported for the average of the
 * receiver models (equal weight per model), like the simulator's "unknown model" phone.
 */
function fitJoint(
  series: SmartSeries[],
  idx: Int32Array,
  nModels: number,
  withModels: boolean,
): JointResult {
  const group = modelGroups(series, nModels);
  const nGroups = withModels ? Math.max(...group) + 1 : 1;
  // Within-group effect coding: the last model of each group carries −(sum of the others).
  const contrastCol = new Int32Array(nModels).fill(-1);
  const groupMembers: number[][] = Array.from({ length: nGroups }, () => []);
  for (let m = 0; m < nModels; m++)
    (groupMembers[withModels ? (group[m] as number) : 0] as number[]).push(m);
  let nc = 0;
  if (withModels)
    for (const mem of groupMembers)
      for (let j = 0; j < mem.length - 1; j++) contrastCol[mem[j] as number] = nc++;
  const p = 6 + 1 + nc;
  const n = idx.length;
  const X = new Float64Array(n * p);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = series[idx[i] as number] as SmartSeries;
    const o = i * p;
    X[o + s.position] = 1;
    X[o + 6] = -10 * log10(Math.max(s.distanceM, 0.1));
    if (withModels) {
      const col = contrastCol[s.model] as number;
      if (col >= 0) X[o + 7 + col] = 1;
      else
        for (const m of groupMembers[group[s.model] as number] as number[])
          if ((contrastCol[m] as number) >= 0) X[o + 7 + (contrastCol[m] as number)] = -1;
    }
    y[i] = s.meanDbm;
  }
  const b = lstsq(X, y, null, p);
  const c = Array.from(b.subarray(0, 6));
  const pathLossExponent = b[6] as number;
  // Which group each pair was measured with (the design has one group per pair).
  const pairGroup = new Int32Array(6);
  for (const s of series) pairGroup[s.position] = withModels ? (group[s.model] as number) : 0;
  const refGroup = pairGroup[0] as number;
  const extra: number[] = [];
  for (let g = 0; g < nGroups; g++) if (g !== refGroup) extra.push(g);
  const p2 = 3 + extra.length;
  const X2 = new Float64Array(6 * p2);
  const y2 = new Float64Array(6);
  POSITIONS.forEach((pos, k) => {
    const [nP, nB] = POS_COUNTS[pos] as [number, number];
    X2[k * p2] = 1;
    X2[k * p2 + 1] = -nP;
    X2[k * p2 + 2] = -nB;
    const e = extra.indexOf(pairGroup[k] as number);
    if (e >= 0) X2[k * p2 + 3 + e] = 1;
    y2[k] = c[k] as number;
  });
  const b2 = lstsq(X2, y2, null, p2);
  const Lp = b2[1] as number;
  const Lb = b2[2] as number;
  const groupOffset = new Float64Array(nGroups);
  extra.forEach((g, e) => (groupOffset[g] = b2[3 + e] as number));
  let mis = 0;
  POSITIONS.forEach((pos, k) => {
    const [nP, nB] = POS_COUNTS[pos] as [number, number];
    mis +=
      ((b2[0] as number) -
        nP * Lp -
        nB * Lb +
        (groupOffset[pairGroup[k] as number] as number) -
        (c[k] as number)) **
      2;
  });
  // Per-model effect = group offset + within-group contrast, then centred over models.
  const eff: number[] = [];
  for (let m = 0; m < nModels; m++) {
    if (!withModels) {
      eff.push(0);
      continue;
    }
    const g = group[m] as number;
    const col = contrastCol[m] as number;
    let e = groupOffset[g] as number;
    if (col >= 0) e += b[7 + col] as number;
    else
      for (const mm of groupMembers[g] as number[])
        if ((contrastCol[mm] as number) >= 0) e -= b[7 + (contrastCol[mm] as number)] as number;
    eff.push(e);
  }
  const meanEff = eff.reduce((a, v) => a + v, 0) / nModels;
  const A = (b2[0] as number) + meanEff;
  for (let m = 0; m < nModels; m++) eff[m] = (eff[m] as number) - meanEff;
  const c0 = c[0] as number;
  return {
    rssiAt1mDbm: A,
    pathLossExponent,
    lossPocketDb: Lp,
    lossBackpackDb: Lb,
    // Stage-1 pair losses relative to HandHand, with the group offset put back so they compare like with like.
    pairLossDb: c.map((v, k) => c0 - v + (groupOffset[pairGroup[k] as number] as number)),
    additiveMisfitDb: Math.sqrt(mis / 6),
    modelEffectDb: eff,
    predict: (s) => {
      const [nP, nB] = POS_COUNTS[POSITIONS[s.position] as string] as [number, number];
      return (
        A -
        nP * Lp -
        nB * Lb -
        10 * pathLossExponent * log10(Math.max(s.distanceM, 0.1)) +
        (eff[s.model] as number)
      );
    },
  };
}

function fitLogDistance(series: SmartSeries[], idx: ArrayLike<number>): { a: number; n: number } {
  const X = new Float64Array(idx.length * 2);
  const y = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const s = series[idx[i] as number] as SmartSeries;
    X[i * 2] = 1;
    X[i * 2 + 1] = -10 * log10(Math.max(s.distanceM, 0.1));
    y[i] = s.meanDbm;
  }
  const b = lstsq(X, y, null, 2);
  return { a: b[0] as number, n: b[1] as number };
}

/** SD of per-series mean residuals with the model's degrees of freedom removed. */
function betweenSigma(
  series: SmartSeries[],
  idx: Int32Array,
  fit: JointResult,
  dof: number,
): number {
  let ss = 0;
  for (let i = 0; i < idx.length; i++) {
    const s = series[idx[i] as number] as SmartSeries;
    ss += (s.meanDbm - fit.predict(s)) ** 2;
  }
  return Math.sqrt(ss / Math.max(1, idx.length - dof));
}

/** Per-series within sum of squares and count, for a pooled within-series SD. */
function withinSS(s: SmartSeries): number {
  let ss = 0;
  for (const v of s.rssiDbm) ss += (v - s.meanDbm) ** 2;
  return ss;
}

const ACF_BIN_S = 0.5;
const ACF_MAX_LAG_BINS = 120; // 60 s: most usable series are 1–3 min long

/**
 * Mean product of within-series residuals (x − series mean) over all sample pairs whose times fall in bins
 * k apart (k ≥ 1), per series. With iid fast fading, these covariances are the slow (shadowing-like) part
 * only: fast fading contributes to lag 0 alone. Returns per-series sums so the bootstrap can re-pool cheaply.
 */
function seriesAcf(s: SmartSeries): { prod: Float64Array; pairs: Float64Array } {
  const t0 = s.tMs[0] as number;
  let tMax = t0;
  for (const t of s.tMs) if (t > tMax) tMax = t;
  const nb = Math.floor((tMax - t0) / 1000 / ACF_BIN_S) + 1;
  const sum = new Float64Array(nb);
  const cnt = new Float64Array(nb);
  for (let i = 0; i < s.rssiDbm.length; i++) {
    const b = Math.floor(((s.tMs[i] as number) - t0) / 1000 / ACF_BIN_S);
    sum[b] = (sum[b] as number) + (s.rssiDbm[i] as number) - s.meanDbm;
    cnt[b] = (cnt[b] as number) + 1;
  }
  const prod = new Float64Array(ACF_MAX_LAG_BINS + 1);
  const pairs = new Float64Array(ACF_MAX_LAG_BINS + 1);
  for (let k = 1; k <= ACF_MAX_LAG_BINS; k++) {
    let p = 0;
    let c = 0;
    for (let b = 0; b + k < nb; b++) {
      p += (sum[b] as number) * (sum[b + k] as number);
      c += (cnt[b] as number) * (cnt[b + k] as number);
    }
    prod[k] = p;
    pairs[k] = c;
  }
  return { prod, pairs };
}

/**
 * From pooled covariances C(k): the slow variance is C at the shortest lag (0.5–1 s, extrapolated to 0 by
 * the fitted exponential), and the correlation time is from a log-linear least-squares fit of C(k) over the
 * lags where C is still above 10 % of its first value (beyond that the estimate is noise and mean-removal bias).
 */
function fitAcf(prod: Float64Array, pairs: Float64Array): { slowVarDb2: number; tauS: number } {
  const cov: number[] = [];
  for (let k = 1; k <= ACF_MAX_LAG_BINS; k++)
    cov.push((pairs[k] as number) > 0 ? (prod[k] as number) / (pairs[k] as number) : NaN);
  const c1 = cov[0] as number;
  const xs: number[] = [];
  const ys: number[] = [];
  for (let k = 1; k <= ACF_MAX_LAG_BINS; k++) {
    const c = cov[k - 1] as number;
    if (!(c > 0.1 * c1)) break;
    xs.push(k * ACF_BIN_S);
    ys.push(Math.log(c));
  }
  if (xs.length < 2) return { slowVarDb2: Math.max(c1, 0), tauS: ACF_BIN_S };
  const X = new Float64Array(xs.length * 2);
  xs.forEach((x, i) => {
    X[i * 2] = 1;
    X[i * 2 + 1] = x;
  });
  const b = lstsq(X, Float64Array.from(ys), null, 2);
  const slope = b[1] as number;
  return { slowVarDb2: Math.exp(b[0] as number), tauS: slope < 0 ? -1 / slope : Infinity };
}

// ---------------------------------------------------------------------------------------------------------
// Herald

interface HeraldData {
  rowsRead: number;
  rowsUsed: number;
  /** Per series (link × distance). */
  seriesLink: Int32Array;
  seriesDistanceM: Float64Array;
  seriesMeanDbm: Float64Array;
  seriesSS: Float64Array;
  seriesCount: Float64Array;
  linkRxModel: string[];
  sampleSeries: Int32Array;
  sampleRssiDbm: Int16Array;
  minByModel: Map<string, number>;
}

async function loadHerald(path: string, everyNth: number): Promise<HeraldData> {
  const rl = createInterface({
    input: createReadStream(path).pipe(createGunzip()),
    crlfDelay: Infinity,
  });
  const linkIndex = new Map<string, number>();
  const linkRxModel: string[] = [];
  const seriesIndex = new Map<string, number>();
  const sLink: number[] = [];
  const sDist: number[] = [];
  const sampleSeries: number[] = [];
  const sampleRssi: number[] = [];
  const minByModel = new Map<string, number>();
  let rowsRead = 0;
  let header = true;
  for await (const line of rl) {
    if (header) {
      header = false;
      continue;
    }
    if (line.length === 0) continue;
    const row = rowsRead++;
    const f = line.split(',');
    if (f.length !== 11) throw new Error(`herald: bad row ${row}`);
    const rssi = Number(f[9]);
    const rxModel = f[3] as string;
    // The floor uses every row, even when the fit subsamples: it is an extreme, not an average.
    const m = minByModel.get(rxModel);
    if (m === undefined || rssi < m) minByModel.set(rxModel, rssi);
    if (row % everyNth !== 0) continue;
    const distanceCm = Number(f[10]);
    // Below 10 cm the simulator clamps distance; the phones touch and RSSI saturates, so leave those out.
    if (!(distanceCm >= 10)) continue;
    const linkKey = `${f[0]}|${f[2]}|${f[4]}`;
    let li = linkIndex.get(linkKey);
    if (li === undefined) {
      li = linkRxModel.length;
      linkIndex.set(linkKey, li);
      linkRxModel.push(rxModel);
    }
    const sKey = `${li}|${distanceCm}`;
    let si = seriesIndex.get(sKey);
    if (si === undefined) {
      si = sLink.length;
      seriesIndex.set(sKey, si);
      sLink.push(li);
      sDist.push(distanceCm / 100);
    }
    sampleSeries.push(si);
    sampleRssi.push(rssi);
  }
  const ns = sLink.length;
  const seriesMeanDbm = new Float64Array(ns);
  const seriesCount = new Float64Array(ns);
  const seriesSS = new Float64Array(ns);
  const ss = Int32Array.from(sampleSeries);
  const rs = Int16Array.from(sampleRssi);
  for (let i = 0; i < ss.length; i++) {
    const s = ss[i] as number;
    seriesMeanDbm[s] = (seriesMeanDbm[s] as number) + (rs[i] as number);
    seriesCount[s] = (seriesCount[s] as number) + 1;
  }
  for (let s = 0; s < ns; s++)
    seriesMeanDbm[s] = (seriesMeanDbm[s] as number) / (seriesCount[s] as number);
  for (let i = 0; i < ss.length; i++) {
    const s = ss[i] as number;
    seriesSS[s] = (seriesSS[s] as number) + ((rs[i] as number) - (seriesMeanDbm[s] as number)) ** 2;
  }
  return {
    rowsRead,
    rowsUsed: ss.length,
    seriesLink: Int32Array.from(sLink),
    seriesDistanceM: Float64Array.from(sDist),
    seriesMeanDbm,
    seriesSS,
    seriesCount,
    linkRxModel,
    sampleSeries: ss,
    sampleRssiDbm: rs,
    minByModel,
  };
}

/**
 * Herald fit with a fixed offset per link (test × direction), each link weighing the same whatever its
 * number of distance steps: the exponent comes from within-link variation (Frisch–Waugh: demean per link),
 * rssiAt1m is the mean link intercept, and the link intercepts' spread is the device spread.
 */
function fitHerald(
  h: HeraldData,
  links: Int32Array,
  linkSeries: number[][],
): { a: number; n: number; linkIntercept: Float64Array; linkSigma: number } {
  let sxx = 0;
  let sxy = 0;
  const mx = new Float64Array(links.length);
  const my = new Float64Array(links.length);
  for (let j = 0; j < links.length; j++) {
    const ser = linkSeries[links[j] as number] as number[];
    let ax = 0;
    let ay = 0;
    for (const s of ser) {
      ax += -10 * log10(h.seriesDistanceM[s] as number);
      ay += h.seriesMeanDbm[s] as number;
    }
    ax /= ser.length;
    ay /= ser.length;
    mx[j] = ax;
    my[j] = ay;
    const w = 1 / ser.length;
    for (const s of ser) {
      const dx = -10 * log10(h.seriesDistanceM[s] as number) - ax;
      sxx += w * dx * dx;
      sxy += w * dx * ((h.seriesMeanDbm[s] as number) - ay);
    }
  }
  const n = sxy / sxx;
  const linkIntercept = new Float64Array(links.length);
  let a = 0;
  for (let j = 0; j < links.length; j++) {
    linkIntercept[j] = (my[j] as number) - n * (mx[j] as number);
    a += linkIntercept[j] as number;
  }
  a /= links.length;
  let v = 0;
  for (let j = 0; j < links.length; j++) v += ((linkIntercept[j] as number) - a) ** 2;
  return { a, n, linkIntercept, linkSigma: Math.sqrt(v / Math.max(1, links.length - 1)) };
}

function receiverModelSpread(
  models: string[],
  intercepts: ArrayLike<number>,
  a: number,
): { sigma: number; offsets: Record<string, number> } {
  const sum = new Map<string, [number, number]>();
  for (let j = 0; j < models.length; j++) {
    const e = sum.get(models[j] as string) ?? [0, 0];
    e[0] += (intercepts[j] as number) - a;
    e[1] += 1;
    sum.set(models[j] as string, e);
  }
  const offsets: Record<string, number> = {};
  const vals: number[] = [];
  for (const [m, [s, c]] of [...sum.entries()].sort()) {
    offsets[m] = s / c;
    vals.push(s / c);
  }
  const mean = vals.reduce((x, y) => x + y, 0) / vals.length;
  const sigma = Math.sqrt(
    vals.reduce((x, y) => x + (y - mean) ** 2, 0) / Math.max(1, vals.length - 1),
  );
  return { sigma, offsets };
}

// ---------------------------------------------------------------------------------------------------------
// The fit

export async function fitChannel(sharedDir: string, opts: FitOptions = {}): Promise<ChannelFit> {
  const everyNth = Math.max(1, Math.floor(opts.heraldEveryNth ?? 1));
  const B = Math.max(20, Math.floor(opts.bootstrapReps ?? 400));
  const next = rng(opts.seed ?? 20240601);
  const dataDir = resolve(sharedDir, 'data');

  // ---- rss_smartphone -----------------------------------------------------------------------------------
  const { series, models } = loadSmartphone(resolve(dataDir, 'rss-smartphone-train.csv'));
  const nS = series.length;
  const all = Int32Array.from({ length: nS }, (_, i) => i);
  const cells = new Map<string, number[]>();
  series.forEach((s, i) => {
    const k = `${s.position}|${s.model}`;
    const c = cells.get(k) ?? [];
    c.push(i);
    cells.set(k, c);
  });
  const strata = [...cells.values()];
  const hhStrata = strata.filter((c) => (series[c[0] as number] as SmartSeries).position === 0);
  const hhIdx = hhStrata.flat();

  // README check: one log-distance line through every sample, no carry terms.
  let samples = 0;
  let naiveN: number;
  let naiveA: number;
  let naiveSigma: number;
  {
    let sx = 0,
      sy = 0,
      sxx = 0,
      sxy = 0;
    for (const s of series) {
      const x = -10 * log10(Math.max(s.distanceM, 0.1));
      for (const v of s.rssiDbm) {
        sx += x;
        sy += v;
        sxx += x * x;
        sxy += x * v;
        samples++;
      }
    }
    naiveN = (sxy - (sx * sy) / samples) / (sxx - (sx * sx) / samples);
    naiveA = sy / samples - (naiveN * sx) / samples;
    let ss = 0;
    for (const s of series) {
      const pred = naiveA - 10 * naiveN * log10(Math.max(s.distanceM, 0.1));
      for (const v of s.rssiDbm) ss += (v - pred) ** 2;
    }
    naiveSigma = Math.sqrt(ss / (samples - 2));
  }

  const hh = fitLogDistance(series, hhIdx);
  const joint = fitJoint(series, all, models.length, true);
  const jointNoModel = fitJoint(series, all, models.length, false);
  const jointDof = 1 + (models.length - 1) + 3;
  const between = betweenSigma(series, all, joint, jointDof);
  const wss = series.map(withinSS);
  const within = Math.sqrt(wss.reduce((a, v) => a + v, 0) / (samples - nS));

  // Time structure: only series whose timestamps resolve adverts (≤ 10 ms); 26 series step in 100 s.
  const acfSeries: number[] = [];
  const spans: number[] = [];
  let coarse = 0;
  series.forEach((s, i) => {
    let g = 0;
    const t0 = s.tMs[0] as number;
    const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
    for (const t of s.tMs) g = gcd(g, Math.abs(t - t0));
    if (g > 10 || g === 0) {
      coarse++;
      return;
    }
    acfSeries.push(i);
    spans.push(((s.tMs[s.tMs.length - 1] as number) - t0) / 1000);
  });
  const acfParts = acfSeries.map((i) => seriesAcf(series[i] as SmartSeries));
  const pool = (pick: ArrayLike<number>): { prod: Float64Array; pairs: Float64Array } => {
    const prod = new Float64Array(ACF_MAX_LAG_BINS + 1);
    const pairs = new Float64Array(ACF_MAX_LAG_BINS + 1);
    for (let j = 0; j < pick.length; j++) {
      const part = acfParts[pick[j] as number] as { prod: Float64Array; pairs: Float64Array };
      for (let k = 0; k <= ACF_MAX_LAG_BINS; k++) {
        prod[k] = (prod[k] as number) + (part.prod[k] as number);
        pairs[k] = (pairs[k] as number) + (part.pairs[k] as number);
      }
    }
    return { prod, pairs };
  };
  const acfAll = pool(Int32Array.from({ length: acfParts.length }, (_, i) => i));
  const acfFit = fitAcf(acfAll.prod, acfAll.pairs);
  // Within-series variance of the ACF series only, so slow and fast parts come from the same samples.
  const acfWithinVar = (pick: ArrayLike<number>): number => {
    let ss = 0,
      n = 0;
    for (let j = 0; j < pick.length; j++) {
      const i = acfSeries[pick[j] as number] as number;
      ss += wss[i] as number;
      n += (series[i] as SmartSeries).rssiDbm.length - 1;
    }
    return ss / n;
  };
  const acfWithin = acfWithinVar(Int32Array.from({ length: acfParts.length }, (_, i) => i));
  const slow = Math.sqrt(Math.min(acfFit.slowVarDb2, acfWithin));
  const fast = Math.sqrt(Math.max(0, acfWithin - acfFit.slowVarDb2));

  // Bootstrap over series.
  const bHhA: number[] = [],
    bHhN: number[] = [],
    bA: number[] = [],
    bN: number[] = [],
    bLp: number[] = [],
    bLb: number[] = [];
  const bBetween: number[] = [],
    bWithin: number[] = [],
    bSlow: number[] = [],
    bFast: number[] = [],
    bTau: number[] = [];
  for (let r = 0; r < B; r++) {
    const idx = stratifiedDraw(strata, next);
    const hi = stratifiedDraw(hhStrata, next);
    const f = fitJoint(series, idx, models.length, true);
    const h = fitLogDistance(series, hi);
    bHhA.push(h.a);
    bHhN.push(h.n);
    bA.push(f.rssiAt1mDbm);
    bN.push(f.pathLossExponent);
    bLp.push(f.lossPocketDb);
    bLb.push(f.lossBackpackDb);
    bBetween.push(betweenSigma(series, idx, f, jointDof));
    let ss = 0,
      n = 0;
    for (const i of idx) {
      ss += wss[i] as number;
      n += (series[i] as SmartSeries).rssiDbm.length - 1;
    }
    bWithin.push(Math.sqrt(ss / n));
    const pick = Int32Array.from({ length: acfParts.length }, () =>
      Math.floor(next() * acfParts.length),
    );
    const pa = pool(pick);
    const af = fitAcf(pa.prod, pa.pairs);
    const wv = acfWithinVar(pick);
    bSlow.push(Math.sqrt(Math.min(af.slowVarDb2, wv)));
    bFast.push(Math.sqrt(Math.max(0, wv - af.slowVarDb2)));
    bTau.push(af.tauS);
  }

  // Residual shapes (sample level).
  const resTotal = new Float32Array(samples);
  const resWithin = new Float32Array(samples);
  {
    let k = 0;
    for (const s of series) {
      const pred = joint.predict(s);
      for (const v of s.rssiDbm) {
        resTotal[k] = v - pred;
        resWithin[k] = v - s.meanDbm;
        k++;
      }
    }
  }
  const minSmart: Record<string, number> = {};
  for (const s of series) {
    const m = models[s.model] as string;
    let lo = Infinity;
    for (const v of s.rssiDbm) if (v < lo) lo = v;
    minSmart[m] = Math.min(minSmart[m] ?? Infinity, lo);
  }
  const acfOut = { lagS: [] as number[], covDb2: [] as number[], pairs: [] as number[] };
  for (let k = 1; k <= ACF_MAX_LAG_BINS; k++) {
    acfOut.lagS.push(k * ACF_BIN_S);
    acfOut.covDb2.push((acfAll.prod[k] as number) / (acfAll.pairs[k] as number));
    acfOut.pairs.push(acfAll.pairs[k] as number);
  }

  // ---- Herald ---------------------------------------------------------------------------------------------
  const h = await loadHerald(resolve(dataDir, 'herald-edison-rssi.csv.gz'), everyNth);
  const nLinks = h.linkRxModel.length;
  const linkSeries: number[][] = Array.from({ length: nLinks }, () => []);
  for (let s = 0; s < h.seriesLink.length; s++)
    (linkSeries[h.seriesLink[s] as number] as number[]).push(s);
  const allLinks = Int32Array.from({ length: nLinks }, (_, i) => i);
  const hf = fitHerald(h, allLinks, linkSeries);
  const rm = receiverModelSpread(h.linkRxModel, hf.linkIntercept, hf.a);
  const bHa: number[] = [],
    bHn: number[] = [],
    bHl: number[] = [],
    bHr: number[] = [];
  for (let r = 0; r < B; r++) {
    const pick = Int32Array.from({ length: nLinks }, () => Math.floor(next() * nLinks));
    const f = fitHerald(h, pick, linkSeries);
    bHa.push(f.a);
    bHn.push(f.n);
    bHl.push(f.linkSigma);
    bHr.push(
      receiverModelSpread(
        Array.from(pick, (j) => h.linkRxModel[j] as string),
        f.linkIntercept,
        f.a,
      ).sigma,
    );
  }
  let hBetweenSS = 0;
  let hWithinSS = 0;
  for (let s = 0; s < h.seriesLink.length; s++) {
    const pred =
      (hf.linkIntercept[h.seriesLink[s] as number] as number) -
      10 * hf.n * log10(h.seriesDistanceM[s] as number);
    hBetweenSS += ((h.seriesMeanDbm[s] as number) - pred) ** 2;
    hWithinSS += h.seriesSS[s] as number;
  }
  const hRes = new Float32Array(h.rowsUsed);
  for (let i = 0; i < h.rowsUsed; i++) {
    const s = h.sampleSeries[i] as number;
    const pred =
      (hf.linkIntercept[h.seriesLink[s] as number] as number) -
      10 * hf.n * log10(h.seriesDistanceM[s] as number);
    hRes[i] = (h.sampleRssiDbm[i] as number) - pred;
  }
  const minHerald: Record<string, number> = {};
  for (const [m, v] of [...h.minByModel.entries()].sort()) minHerald[m] = v;

  const sensitivityDbm = Math.round(
    median([...Object.values(minSmart), ...Object.values(minHerald)]),
  );

  const smartphone: ChannelFit['smartphone'] = {
    series: nS,
    samples,
    naiveLogDistance: { rssiAt1mDbm: naiveA, pathLossExponent: naiveN, sigmaDb: naiveSigma },
    handHand: { rssiAt1mDbm: estimate(hh.a, bHhA), pathLossExponent: estimate(hh.n, bHhN) },
    joint: {
      rssiAt1mDbm: estimate(joint.rssiAt1mDbm, bA),
      pathLossExponent: estimate(joint.pathLossExponent, bN),
      carryLossPocketDb: estimate(joint.lossPocketDb, bLp),
      carryLossBackpackDb: estimate(joint.lossBackpackDb, bLb),
      pairLossDb: Object.fromEntries(POSITIONS.map((p, k) => [p, joint.pairLossDb[k] as number])),
      additiveMisfitDb: joint.additiveMisfitDb,
      modelEffectDb: Object.fromEntries(
        models.map((m, k) => [m, joint.modelEffectDb[k] as number]),
      ),
    },
    jointNoModel: {
      rssiAt1mDbm: jointNoModel.rssiAt1mDbm,
      pathLossExponent: jointNoModel.pathLossExponent,
      carryLossPocketDb: jointNoModel.lossPocketDb,
      carryLossBackpackDb: jointNoModel.lossBackpackDb,
    },
    calibration: calibrationFit(resolve(dataDir, 'rss-smartphone-train.csv')),
    betweenSeriesSigmaDb: estimate(between, bBetween),
    withinSeriesSigmaDb: estimate(within, bWithin),
    acf: acfOut,
    withinSlowSigmaDb: estimate(slow, bSlow),
    withinFastSigmaDb: estimate(fast, bFast),
    withinCorrelationS: estimate(acfFit.tauS, bTau),
    timeResolution: {
      usableSeries: acfSeries.length,
      coarseSeries: coarse,
      medianSpanS: median(spans),
      minSpanS: Math.min(...spans),
      maxSpanS: Math.max(...spans),
    },
    residualTotal: shape(resTotal),
    residualWithin: shape(resWithin),
    minRssiByModelDbm: minSmart,
  };
  const herald: ChannelFit['herald'] = {
    rowsRead: h.rowsRead,
    rowsUsed: h.rowsUsed,
    everyNth,
    series: h.seriesLink.length,
    links: nLinks,
    rssiAt1mDbm: estimate(hf.a, bHa),
    pathLossExponent: estimate(hf.n, bHn),
    linkOffsetSigmaDb: estimate(hf.linkSigma, bHl),
    deviceOffsetSigmaDb: estimate(
      hf.linkSigma / Math.SQRT2,
      bHl.map((v) => v / Math.SQRT2),
    ),
    receiverModelOffsetSigmaDb: estimate(rm.sigma, bHr),
    receiverModelOffsetDb: rm.offsets,
    betweenSeriesSigmaDb: Math.sqrt(hBetweenSS / Math.max(1, h.seriesLink.length - nLinks - 1)),
    withinSeriesSigmaDb: Math.sqrt(hWithinSS / Math.max(1, h.rowsUsed - h.seriesLink.length)),
    residualTotal: shape(hRes),
    minRssiByModelDbm: minHerald,
  };
  return {
    smartphone,
    herald,
    sensitivityDbm,
    defaults: chooseDefaults(smartphone, herald, sensitivityDbm),
  };
}

const r1 = (x: number): number => Math.round(x * 10) / 10;

/** `calibrate fit`'s context-aware fit of the rss_smartphone rows (position + model contexts). */
function calibrationFit(path: string): ChannelFit['smartphone']['calibration'] {
  const table = parseCsv(readFileSync(path, 'utf8'), path);
  const fit = fitContextModel(
    readRowReadings(table, path, { requireDistance: true }) as Parameters<
      typeof fitContextModel
    >[0],
    { columns: ['position', 'model'], filters: [] },
  );
  const m = fit.model;
  return {
    betweenSeriesSigmaDb: m.betweenSeriesSigmaDb!,
    withinSeriesSigmaDb: m.withinSeriesSigmaDb!,
    sigmaDb: m.sigmaDb,
    pathLossExponent: m.pathLossExponent,
  };
}

/**
 * The choices on top of the fit (reasons in docs/channel-fit.md):
 * - rssiAt1m and exponent from the joint rss_smartphone fit (bodies in the way, like the crowds simulated);
 * - shadowing σ = between-series spread of `calibrate fit`'s context-aware fit (the persistent part: body and
 *   phone geometry of one session), fast fading σ = its whole within-series spread (its ~2 s correlated part is treated as iid per advert: over the
 *   minute-scale windows that decide a contact it averages out either way);
 * - correlation time: the between-series part never decorrelates inside a series, so the data only bound
 *   it from below by the typical series span; take that bound (median span, rounded to 10 s);
 * - bag = midpoint of pocket and backpack (not measured).
 */
export function chooseDefaults(
  s: ChannelFit['smartphone'],
  h: ChannelFit['herald'],
  sensitivityDbm: number,
): ChannelDefaults {
  const pocket = s.joint.carryLossPocketDb.value;
  const backpack = s.joint.carryLossBackpackDb.value;
  return {
    rssiAt1mDbm: r1(s.joint.rssiAt1mDbm.value),
    pathLossExponent: r1(s.joint.pathLossExponent.value),
    shadowingSigmaDb: r1(s.calibration.betweenSeriesSigmaDb),
    shadowingCorrelationS: Math.round(s.timeResolution.medianSpanS / 10) * 10,
    fastFadingSigmaDb: r1(s.calibration.withinSeriesSigmaDb),
    deviceOffsetSigmaDb: r1(h.deviceOffsetSigmaDb.value),
    sensitivityDbm,
    carryLossDb: {
      hand: 0,
      pocket: r1(pocket),
      bag: r1((pocket + backpack) / 2),
      backpack: r1(backpack),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// CLI

function fmt(e: Estimate, digits = 2): string {
  return `${e.value.toFixed(digits).padStart(8)}  ±${e.se.toFixed(digits).padEnd(6)} [${e.lo.toFixed(digits)}, ${e.hi.toFixed(digits)}]`;
}

function fmtShape(r: ResidualShape): string {
  return `sd ${r.sdDb.toFixed(2)}  skew ${r.skewness.toFixed(2)}  q05/q50/q95 ${r.q05Db.toFixed(1)} / ${r.q50Db.toFixed(1)} / ${r.q95Db.toFixed(1)} dB  (n=${r.n})`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const arg = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const shared = resolve(arg('--shared') ?? '../shared');
  const t0 = performance.now();
  const fit = await fitChannel(shared, {
    heraldEveryNth: Number(arg('--herald-every') ?? 1),
    bootstrapReps: Number(arg('--boot') ?? 400),
  });
  const s = fit.smartphone;
  const h = fit.herald;
  const out: string[] = [];
  out.push(
    `rss_smartphone: ${s.series} series, ${s.samples} samples; Herald: ${h.rowsUsed}/${h.rowsRead} rows (every ${h.everyNth}, d ≥ 10 cm), ${h.series} series, ${h.links} links`,
  );
  out.push('parameter                                      value     ±se      [95 % bootstrap]');
  const row = (name: string, e: Estimate, d = 2): void =>
    void out.push(`${name.padEnd(44)} ${fmt(e, d)}`);
  out.push(
    `README check: naive log-distance on all samples: A ${s.naiveLogDistance.rssiAt1mDbm.toFixed(1)} dBm, n ${s.naiveLogDistance.pathLossExponent.toFixed(2)}, σ ${s.naiveLogDistance.sigmaDb.toFixed(2)} dB`,
  );
  row('Herald LOS rssiAt1mDbm', h.rssiAt1mDbm);
  row('Herald LOS pathLossExponent', h.pathLossExponent);
  row('rss_smartphone HandHand rssiAt1mDbm', s.handHand.rssiAt1mDbm);
  row('rss_smartphone HandHand pathLossExponent', s.handHand.pathLossExponent);
  row('rss_smartphone joint rssiAt1mDbm', s.joint.rssiAt1mDbm);
  row('rss_smartphone joint pathLossExponent', s.joint.pathLossExponent);
  row('carryLossDb.pocket (joint)', s.joint.carryLossPocketDb);
  row('carryLossDb.backpack (joint)', s.joint.carryLossBackpackDb);
  out.push(
    `  pair losses vs HandHand (stage 1): ${Object.entries(s.joint.pairLossDb)
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join(', ')}; additive misfit RMS ${s.joint.additiveMisfitDb.toFixed(2)} dB`,
  );
  out.push(
    `  receiver-model effects: ${Object.entries(s.joint.modelEffectDb)
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join(', ')}`,
  );
  out.push(
    `  without model effects: A ${s.jointNoModel.rssiAt1mDbm.toFixed(1)}, n ${s.jointNoModel.pathLossExponent.toFixed(2)}, pocket ${s.jointNoModel.carryLossPocketDb.toFixed(1)}, backpack ${s.jointNoModel.carryLossBackpackDb.toFixed(1)}`,
  );
  row('between-series σ (per-series mean resid.)', s.betweenSeriesSigmaDb);
  row('within-series σ (pooled)', s.withinSeriesSigmaDb);
  row('  slow part of within σ (ACF lag ≥ 0.5 s)', s.withinSlowSigmaDb);
  row('  fast (iid) part of within σ', s.withinFastSigmaDb);
  row('  within-series correlation time, s', s.withinCorrelationS);
  const tr = s.timeResolution;
  out.push(
    `  time resolution: ${tr.usableSeries} series ≤ 10 ms, ${tr.coarseSeries} series at 100 s steps (unusable); spans ${tr.minSpanS.toFixed(0)}–${tr.maxSpanS.toFixed(0)} s, median ${tr.medianSpanS.toFixed(0)} s`,
  );
  out.push(
    `  ACF cov (dB²) at lag s: ${[1, 2, 4, 10, 20, 40, 60, 80, 120].map((k) => `${s.acf.lagS[k - 1]}:${(s.acf.covDb2[k - 1] as number).toFixed(1)}`).join('  ')}`,
  );
  row('Herald link-offset σ (Tx+Rx)', h.linkOffsetSigmaDb);
  row('Herald per-device σ = link σ / √2', h.deviceOffsetSigmaDb);
  row('Herald per-receiver-model offset σ', h.receiverModelOffsetSigmaDb);
  out.push(
    `  receiver-model offsets: ${Object.entries(h.receiverModelOffsetDb)
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join(', ')}`,
  );
  out.push(
    `  Herald between-series σ ${h.betweenSeriesSigmaDb.toFixed(2)} dB, within-series σ ${h.withinSeriesSigmaDb.toFixed(2)} dB`,
  );
  out.push(`residuals rss_smartphone total : ${fmtShape(s.residualTotal)}`);
  out.push(`residuals rss_smartphone within: ${fmtShape(s.residualWithin)}`);
  out.push(`residuals Herald total         : ${fmtShape(h.residualTotal)}`);
  out.push(`min RSSI rss_smartphone: ${JSON.stringify(s.minRssiByModelDbm)}`);
  out.push(`min RSSI Herald (rx): ${JSON.stringify(h.minRssiByModelDbm)}`);
  out.push(`sensitivity floor (median of per-model minima): ${fit.sensitivityDbm} dBm`);
  out.push(`runtime ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  out.push('defaults:');
  out.push(JSON.stringify(fit.defaults, null, 2));
  console.log(out.join('\n'));
}

// Run only as a script, not when a test imports the module.
if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
