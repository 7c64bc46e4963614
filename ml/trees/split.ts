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
  /**
   * findBestPackedSplit only (0 from findBestSplit): the left child's gradient and hessian sums
   * in the packing's quantisation steps, exact integers (the right child's are the node's minus
   * these, exactly).
   */
  gradStepsLeft: number;
  hessStepsLeft: number;
}

export function emptySplit(): SplitChoice {
  return { gain: Number.NEGATIVE_INFINITY, feature: -1, bin: 0, defaultLeft: false, gradLeft: 0, hessLeft: 0, gradStepsLeft: 0, hessStepsLeft: 0 };
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
 * missing-left flag (0/1), gradient and hessian sums of the left child in quantisation steps.
 */
export const SCAN_SLOTS = 6;

/**
 * Slots of the scan parameters: unit, 1 / scale (see GradientPacking), node gradient sum and
 * node hessian sum in quantisation steps (exact integers), lambda, smallest child hessian,
 * empty-bin hessian, 1 / hessScale.
 */
export const SCAN_PARAMS = 8;

/**
 * findBestSplit's scan over features[from..to) read straight from a packed histogram (one double
 * per bin, histogram.ts GradientPacking), without writing a decoded histogram. The hessian is
 * rounded by adding and subtracting 1.5 * 2^52 (which leaves the nearest integer of any
 * |x| < 2^51) rather than by Math.round, which cost more than the rest of the scan: the same
 * integer, as v / unit is exact (unit is a power of two) and lies well inside (h - 1/2, h + 1/2).
 *
 * The left child's sums are kept in quantisation steps, exact integers, and the right child's
 * are the node's minus them, exactly; each child's sums are decoded (times 1 / scale,
 * 1 / hessScale) only to score a candidate. So a candidate's score depends on nothing but its two
 * children's integer sums, and two candidates whose children hold the same sums, in either order
 * (a mirror image: the left of one is the right of the other), score the same double, and the
 * exact tie goes to the first, as the rules say. Decoded float sums (findBestSplit on the
 * unpacked histogram) carry rounding that breaks such ties either way by an ulp; Poisson's first
 * tree, where every row has the same hessian and the gradients take few values, has many.
 *
 * The best children's score (not yet the gain) and its split go to out[outAt..outAt + SCAN_SLOTS).
 * Self-contained so worker threads run this exact code on a share of the features; results of
 * consecutive shares merge by "higher score wins, ties keep the earlier share", which is the
 * single scan's order.
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
  const gradSteps = params[2];
  const hessSteps = params[3];
  const lambda = params[4];
  const minHess = params[5];
  const emptyBin = params[6];
  // 1 for integer hessians (h * 1 is h).
  const invHessScale = params[7];
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
    // Integer sums in quantisation steps (q, h_q) are exact; decoded only per child below.
    const hqMiss = vMiss * invUnit + 6755399441055744 - 6755399441055744;
    const qMiss = vMiss - hqMiss * unit;
    let ql = 0;
    let hql = 0;
    if (hqMiss * invHessScale <= emptyBin) {
      for (let k = off; k < last; k++) {
        const v = hist[k];
        if (v === 0) continue;
        const hq = v * invUnit + 6755399441055744 - 6755399441055744;
        if (hq * invHessScale <= emptyBin) continue;
        ql += v - hq * unit;
        hql += hq;
        const hl = hql * invHessScale;
        const hr = (hessSteps - hql) * invHessScale;
        if (hl >= minHess && hr >= minHess) {
          const gl = ql * invScale;
          const gr = (gradSteps - ql) * invScale;
          const score = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda);
          if (score > bestScore) {
            bestScore = score;
            bestFeature = f;
            bestBin = k - off;
            bestDefaultLeft = hl >= hr ? 1 : 0;
            bestGL = ql;
            bestHL = hql;
          }
        }
      }
      continue;
    }
    for (let k = off; k < last; k++) {
      const v = hist[k];
      if (v === 0) continue;
      const hq = v * invUnit + 6755399441055744 - 6755399441055744;
      if (hq * invHessScale <= emptyBin) continue;
      ql += v - hq * unit;
      hql += hq;
      // Missing values to the right.
      let hl = hql * invHessScale;
      let hr = (hessSteps - hql) * invHessScale;
      if (hl >= minHess && hr >= minHess) {
        const gl = ql * invScale;
        const gr = (gradSteps - ql) * invScale;
        const score = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda);
        if (score > bestScore) {
          bestScore = score;
          bestFeature = f;
          bestBin = k - off;
          bestDefaultLeft = 0;
          bestGL = ql;
          bestHL = hql;
        }
      }
      // Missing values to the left.
      const ql2 = ql + qMiss;
      const hql2 = hql + hqMiss;
      hl = hql2 * invHessScale;
      hr = (hessSteps - hql2) * invHessScale;
      if (hl >= minHess && hr >= minHess) {
        const gl = ql2 * invScale;
        const gr = (gradSteps - ql2) * invScale;
        const score = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda);
        if (score > bestScore) {
          bestScore = score;
          bestFeature = f;
          bestBin = k - off;
          bestDefaultLeft = 1;
          bestGL = ql2;
          bestHL = hql2;
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
 * findBestSplit on a packed histogram (decoded with `unit`, `invScale` = 1 / scale and
 * `invHessScale` = 1 / hessScale) of a node whose sums in quantisation steps are `gradSteps` and
 * `hessSteps` (exact integers), the scan run by `scanner` (a TreeKernels kernel; see
 * scanPackedSplits for how its scores are computed). gradLeft and hessLeft come decoded,
 * gradStepsLeft and hessStepsLeft in steps. `params` (SCAN_PARAMS slots) and `scan` (SCAN_SLOTS)
 * are the caller's scratch, on shared memory when workers may read them.
 */
export function findBestPackedSplit(
  hist: Float64Array,
  offsets: Int32Array,
  valueBins: Int32Array,
  features: Int32Array,
  featureCount: number,
  unit: number,
  invScale: number,
  invHessScale: number,
  gradSteps: number,
  hessSteps: number,
  rules: SplitRules,
  params: Float64Array,
  scan: Float64Array,
  scanner: PackedSplitScanner,
  out: SplitChoice,
): void {
  const { lambda, minChildWeight, minSplitGain } = rules;
  const gradSum = gradSteps * invScale;
  const hessSum = hessSteps * invHessScale;
  const parentScore = (gradSum * gradSum) / (hessSum + lambda);
  params[0] = unit;
  params[1] = invScale;
  params[2] = gradSteps;
  params[3] = hessSteps;
  params[4] = lambda;
  params[5] = Math.max(minChildWeight, EMPTY_CHILD_SHARE * hessSum);
  params[6] = EMPTY_CHILD_SHARE * hessSum;
  params[7] = invHessScale;
  scanner(hist, offsets, valueBins, features, featureCount, params, scan);
  const minGain = Math.max(minSplitGain, GAIN_NOISE * (Math.abs(parentScore) + 1));
  const bestGain = 0.5 * (scan[0] - parentScore);
  if (bestGain > minGain) {
    out.gain = bestGain;
    out.feature = scan[1];
    out.bin = scan[2];
    out.defaultLeft = scan[3] === 1;
    out.gradLeft = scan[4] * invScale;
    out.hessLeft = scan[5] * invHessScale;
    out.gradStepsLeft = scan[4];
    out.hessStepsLeft = scan[5];
  } else {
    out.gain = Number.NEGATIVE_INFINITY;
    out.feature = -1;
  }
}
