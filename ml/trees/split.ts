/**
 * Histogram split search (XGBoost's exact-greedy gain over bins, Chen & Guestrin 2016, eq. 7):
 *   gain = 1/2 [ G_L^2 / (H_L + lambda) + G_R^2 / (H_R + lambda) - G^2 / (H + lambda) ]
 * for every "bin <= b" of every candidate feature, with the missing bin tried on both sides.
 * Ties keep the first candidate in the order: feature ascending, bin ascending, missing right
 * before missing left. Empty bins (hessian below 1e-9 of the node's) are skipped: they only
 * repeat the previous bin's partition. A node that saw no missing values sends future missing values to the
 * child with the larger hessian (ties left).
 */
import type { PackedSplitScanner } from './kernels';

/** The best split of a node; gain is -Infinity when no valid split exists. */
export interface SplitChoice {
  gain: number;
  feature: number;
  bin: number;
  defaultLeft: boolean;
  gradLeft: number;
  hessLeft: number;
}

export function emptySplit(): SplitChoice {
  return { gain: Number.NEGATIVE_INFINITY, feature: -1, bin: 0, defaultLeft: false, gradLeft: 0, hessLeft: 0 };
}

export interface SplitRules {
  readonly lambda: number;
  readonly minChildWeight: number;
  readonly minSplitGain: number;
}

/** Below this share of the node's hessian a child counts as empty (histogram subtraction leaves dust). */
const EMPTY_CHILD_SHARE = 1e-9;
/** Gains within float noise of zero are not splits. */
const GAIN_NOISE = 1e-12;

/**
 * Finds the best split of one node into `out` over the candidate features
 * features[0..featureCount), which must be in ascending order.
 */
export function findBestSplit(
  hist: Float64Array,
  offsets: Int32Array,
  valueBins: Int32Array,
  features: Int32Array,
  featureCount: number,
  gradSum: number,
  hessSum: number,
  rules: SplitRules,
  out: SplitChoice,
): void {
  const { lambda, minChildWeight, minSplitGain } = rules;
  const parentScore = (gradSum * gradSum) / (hessSum + lambda);
  const minHess = Math.max(minChildWeight, EMPTY_CHILD_SHARE * hessSum);
  const minGain = Math.max(minSplitGain, GAIN_NOISE * (Math.abs(parentScore) + 1));
  const emptyBin = EMPTY_CHILD_SHARE * hessSum;
  // The loops compare children's scores G_L^2/(H_L+lambda) + G_R^2/(H_R+lambda); the gain is
  // derived once at the end.
  let bestScore = Number.NEGATIVE_INFINITY;
  let bestFeature = -1;
  let bestBin = 0;
  let bestDefaultLeft = false;
  let bestGL = 0;
  let bestHL = 0;
  for (let j = 0; j < featureCount; j++) {
    const f = features[j];
    const off = offsets[f];
    const last = off + 2 * (valueBins[f] - 1);
    const gMiss = hist[last + 2];
    const hMiss = hist[last + 3];
    let gl = 0;
    let hl = 0;
    if (hMiss <= emptyBin) {
      for (let k = off; k < last; k += 2) {
        const hb = hist[k + 1];
        // An empty bin gives the same partition as the bin before it: nothing new to score.
        if (hb <= emptyBin) continue;
        gl += hist[k];
        hl += hb;
        const hr = hessSum - hl;
        if (hl >= minHess && hr >= minHess) {
          const gr = gradSum - gl;
          const score = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda);
          if (score > bestScore) {
            bestScore = score;
            bestFeature = f;
            bestBin = (k - off) >> 1;
            bestDefaultLeft = hl >= hr;
            bestGL = gl;
            bestHL = hl;
          }
        }
      }
      continue;
    }
    for (let k = off; k < last; k += 2) {
      const hb = hist[k + 1];
      if (hb <= emptyBin) continue;
      gl += hist[k];
      hl += hb;
      // Missing values to the right.
      let hr = hessSum - hl;
      if (hl >= minHess && hr >= minHess) {
        const gr = gradSum - gl;
        const score = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda);
        if (score > bestScore) {
          bestScore = score;
          bestFeature = f;
          bestBin = (k - off) >> 1;
          bestDefaultLeft = false;
          bestGL = gl;
          bestHL = hl;
        }
      }
      // Missing values to the left.
      const gl2 = gl + gMiss;
      const hl2 = hl + hMiss;
      hr = hessSum - hl2;
      if (hl2 >= minHess && hr >= minHess) {
        const gr = gradSum - gl2;
        const score = (gl2 * gl2) / (hl2 + lambda) + (gr * gr) / (hr + lambda);
        if (score > bestScore) {
          bestScore = score;
          bestFeature = f;
          bestBin = (k - off) >> 1;
          bestDefaultLeft = true;
          bestGL = gl2;
          bestHL = hl2;
        }
      }
    }
  }
  const bestGain = 0.5 * (bestScore - parentScore);
  if (bestGain > minGain) {
    out.gain = bestGain;
    out.feature = bestFeature;
    out.bin = bestBin;
    out.defaultLeft = bestDefaultLeft;
    out.gradLeft = bestGL;
    out.hessLeft = bestHL;
  } else {
    out.gain = Number.NEGATIVE_INFINITY;
    out.feature = -1;
  }
}

/**
 * Slots of one scanPackedSplits result: children's score (-Infinity when none), feature, bin,
 * missing-left flag (0/1), gradient and hessian sums of the left child.
 */
export const SCAN_SLOTS = 6;

/**
 * Slots of the scan parameters: unit, 1 / scale (see GradientPacking), node gradient sum, node
 * hessian sum, lambda, smallest child hessian, empty-bin hessian.
 */
export const SCAN_PARAMS = 7;

/**
 * findBestSplit's scan over features[from..to) read straight from a packed histogram (one double
 * per bin, histogram.ts GradientPacking), decoding each bin to the values unpackHistogram gives,
 * in the same order, so the same choice as unpacking then calling findBestSplit, without writing
 * the decoded histogram. The hessian is rounded by adding and subtracting 1.5 * 2^52 (which
 * leaves the nearest integer of any |x| < 2^51) rather than by Math.round, which cost more than
 * the rest of the scan: the same integer, as v / unit is exact (unit is a power of two) and lies
 * well inside (h - 1/2, h + 1/2). The best children's score (not yet the gain) and its
 * split go to out[outAt..outAt + SCAN_SLOTS). Self-contained so worker threads run this exact
 * code on a share of the features; results of consecutive shares merge by "higher score wins,
 * ties keep the earlier share", which is the single scan's order.
 */
export function scanPackedSplits(
  hist: Float64Array,
  offsets: Int32Array,
  valueBins: Int32Array,
  features: Int32Array,
  from: number,
  to: number,
  params: Float64Array,
  out: Float64Array,
  outAt: number,
): void {
  const unit = params[0];
  const invUnit = 1 / unit;
  const invScale = params[1];
  const gradSum = params[2];
  const hessSum = params[3];
  const lambda = params[4];
  const minHess = params[5];
  const emptyBin = params[6];
  let bestScore = Number.NEGATIVE_INFINITY;
  let bestFeature = -1;
  let bestBin = 0;
  let bestDefaultLeft = 0;
  let bestGL = 0;
  let bestHL = 0;
  for (let j = from; j < to; j++) {
    const f = features[j];
    const off = offsets[f] >> 1;
    const last = off + valueBins[f] - 1;
    const vMiss = hist[last + 1];
    const hMiss = vMiss * invUnit + 6755399441055744 - 6755399441055744;
    const gMiss = (vMiss - hMiss * unit) * invScale;
    let gl = 0;
    let hl = 0;
    if (hMiss <= emptyBin) {
      for (let k = off; k < last; k++) {
        const v = hist[k];
        if (v === 0) continue;
        const hb = v * invUnit + 6755399441055744 - 6755399441055744;
        if (hb <= emptyBin) continue;
        gl += (v - hb * unit) * invScale;
        hl += hb;
        const hr = hessSum - hl;
        if (hl >= minHess && hr >= minHess) {
          const gr = gradSum - gl;
          const score = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda);
          if (score > bestScore) {
            bestScore = score;
            bestFeature = f;
            bestBin = k - off;
            bestDefaultLeft = hl >= hr ? 1 : 0;
            bestGL = gl;
            bestHL = hl;
          }
        }
      }
      continue;
    }
    for (let k = off; k < last; k++) {
      const v = hist[k];
      if (v === 0) continue;
      const hb = v * invUnit + 6755399441055744 - 6755399441055744;
      if (hb <= emptyBin) continue;
      gl += (v - hb * unit) * invScale;
      hl += hb;
      let hr = hessSum - hl;
      if (hl >= minHess && hr >= minHess) {
        const gr = gradSum - gl;
        const score = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda);
        if (score > bestScore) {
          bestScore = score;
          bestFeature = f;
          bestBin = k - off;
          bestDefaultLeft = 0;
          bestGL = gl;
          bestHL = hl;
        }
      }
      const gl2 = gl + gMiss;
      const hl2 = hl + hMiss;
      hr = hessSum - hl2;
      if (hl2 >= minHess && hr >= minHess) {
        const gr = gradSum - gl2;
        const score = (gl2 * gl2) / (hl2 + lambda) + (gr * gr) / (hr + lambda);
        if (score > bestScore) {
          bestScore = score;
          bestFeature = f;
          bestBin = k - off;
          bestDefaultLeft = 1;
          bestGL = gl2;
          bestHL = hl2;
        }
      }
    }
  }
  out[outAt] = bestScore;
  out[outAt + 1] = bestFeature;
  out[outAt + 2] = bestBin;
  out[outAt + 3] = bestDefaultLeft;
  out[outAt + 4] = bestGL;
  out[outAt + 5] = bestHL;
}

/**
 * findBestSplit on a packed histogram (decoded with `unit` and `invScale` = 1 / scale), same
 * result as unpackHistogram then findBestSplit, the scan run by `scanner` (a TreeKernels
 * kernel). `params` (SCAN_PARAMS slots) and `scan` (SCAN_SLOTS) are the caller's scratch, on
 * shared memory when workers may read them.
 */
export function findBestPackedSplit(
  hist: Float64Array,
  offsets: Int32Array,
  valueBins: Int32Array,
  features: Int32Array,
  featureCount: number,
  unit: number,
  invScale: number,
  gradSum: number,
  hessSum: number,
  rules: SplitRules,
  params: Float64Array,
  scan: Float64Array,
  scanner: PackedSplitScanner,
  out: SplitChoice,
): void {
  const { lambda, minChildWeight, minSplitGain } = rules;
  const parentScore = (gradSum * gradSum) / (hessSum + lambda);
  params[0] = unit;
  params[1] = invScale;
  params[2] = gradSum;
  params[3] = hessSum;
  params[4] = lambda;
  params[5] = Math.max(minChildWeight, EMPTY_CHILD_SHARE * hessSum);
  params[6] = EMPTY_CHILD_SHARE * hessSum;
  scanner(hist, offsets, valueBins, features, featureCount, params, scan);
  const minGain = Math.max(minSplitGain, GAIN_NOISE * (Math.abs(parentScore) + 1));
  const bestGain = 0.5 * (scan[0] - parentScore);
  if (bestGain > minGain) {
    out.gain = bestGain;
    out.feature = scan[1];
    out.bin = scan[2];
    out.defaultLeft = scan[3] === 1;
    out.gradLeft = scan[4];
    out.hessLeft = scan[5];
  } else {
    out.gain = Number.NEGATIVE_INFINITY;
    out.feature = -1;
  }
}
