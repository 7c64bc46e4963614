/**
 * Histogram split search (XGBoost's exact-greedy gain over bins, Chen & Guestrin 2016, eq. 7):
 *   gain = 1/2 [ G_L^2 / (H_L + lambda) + G_R^2 / (H_R + lambda) - G^2 / (H + lambda) ]
 * for every "bin <= b" of every candidate feature, with the missing bin tried on both sides.
 * Ties keep the first candidate in the order: feature ascending, bin ascending, missing right
 * before missing left. Empty bins (hessian below 1e-9 of the node's) are skipped: they only
 * repeat the previous bin's partition. A node that saw no missing values sends future missing values to the
 * child with the larger hessian (ties left).
 */

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
