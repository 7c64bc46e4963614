/**
 * Gradient/hessian histograms: for each feature, the sums of gradient and hessian of the node's
 * rows in each of its bins (value bins, then the missing bin). Layout: one Float64Array per node,
 * `hist[offsets[feature] + 2 * bin]` = gradient sum, `+ 1` = hessian sum (offsets from
 * binMatrix), so a split scan walks one feature's bins contiguously and features with few
 * distinct values take little room. The grower reaches these builders through its TreeKernels
 * (kernels.ts), which may cut a node's work among worker threads (ml/trees/pool).
 */
import { sharedFloat64 } from './shared';

/**
 * Adds rows idx[start..end) into `hist` for features [fromFeature, toFeature) (pair layout).
 * Hot loop: one pass over the rows, gathering each row's bins contiguously (row-major bins).
 * Self-contained (it references nothing outside its body) so worker threads run this exact
 * code on a share of the features.
 */
export function buildHistogramFeatures(
  binIndex: Uint16Array | Uint32Array,
  cols: number,
  gradHess: Float64Array,
  idx: Int32Array,
  start: number,
  end: number,
  fromFeature: number,
  toFeature: number,
  hist: Float64Array,
): void {
  // Features four at a time: four independent read-modify-writes per step (features own
  // disjoint slots, so every slot still receives its rows in the same order).
  for (let i = start; i < end; i++) {
    const r = idx[i];
    const g = gradHess[2 * r];
    const h = gradHess[2 * r + 1];
    const e = r * cols + toFeature;
    let q = r * cols + fromFeature;
    for (; q + 3 < e; q += 4) {
      const k0 = binIndex[q] << 1;
      const k1 = binIndex[q + 1] << 1;
      const k2 = binIndex[q + 2] << 1;
      const k3 = binIndex[q + 3] << 1;
      hist[k0] += g;
      hist[k0 + 1] += h;
      hist[k1] += g;
      hist[k1 + 1] += h;
      hist[k2] += g;
      hist[k2 + 1] += h;
      hist[k3] += g;
      hist[k3 + 1] += h;
    }
    for (; q < e; q++) {
      const k = binIndex[q] << 1;
      hist[k] += g;
      hist[k + 1] += h;
    }
  }
}

/**
 * Packed gradients (integer gradient quantisation, as LightGBM's, Shi et al. 2022, but fine
 * enough to change no decision in practice): each row's gradient is rounded to an integer
 * q = round(g * scale) and packed with its integer hessian into one double, q + h * unit, with
 * unit a power of two. Sums of such doubles are exact integers (below 2^53), so one
 * read-modify-write per (row, feature) accumulates both the gradient and the hessian sum, and
 * sibling subtraction is exact. `scale` makes the sum of |q| over the tree's rows stay below
 * unit / 2, so every bin decodes as h = round(v / unit), q = v - h * unit.
 *
 * When every hessian is a non-negative integer (squared loss, row or bootstrap counts) it is
 * packed as it is (hessScale 1: exact). Otherwise (Poisson and any loss whose hessians vary) it
 * is quantised too, h_q = round(h * hessScale), the 52 bits shared between gradient and hessian
 * steps; the split search decodes h_q / hessScale. Only the choice of splits sees the quantised
 * values: the grower recomputes every leaf value from the rows' exact sums.
 */
export interface GradientPacking {
  /** Power of two the (quantised) hessian is multiplied by. */
  readonly unit: number;
  /** Quantisation scale: q = round(g * scale); gradients decode as q / scale. */
  readonly scale: number;
  /** Hessian quantisation: h_q = round(h * hessScale); 1 when every hessian is an integer (exact). */
  readonly hessScale: number;
  /** Sum of q over the tree's rows (the root's packed gradient sum). */
  readonly quantSum: number;
  /** Sum of the (quantised) hessians h_q over the tree's rows, an exact integer (hessSum when hessScale is 1). */
  readonly hessQuantSum: number;
  /** Sum of the rows' gradients, added in row-list order. */
  readonly gradSum: number;
  /** Sum of the rows' hessians as the histograms hold them: exact, or sum of h_q / hessScale. */
  readonly hessSum: number;
}

/** Fewest quantisation steps per row (on average over |g|) before packing is refused. */
const MIN_STEPS_PER_ROW = 256;

/** Fewest quantisation steps per row (on average) of each of gradient and hessian when the hessian is quantised too. */
const MIN_QUANTISED_STEPS_PER_ROW = 64;

/**
 * Packs the gradients and hessians of rows idx[0..count) into `out[row]` (see GradientPacking);
 * returns null (and leaves `out` in an unspecified state) when a hessian is negative or not
 * finite, or the rows are too many for the quantisation to stay fine.
 */
export function packGradients(grad: Float64Array, hess: Float64Array, idx: Int32Array, count: number, out: Float64Array): GradientPacking | null {
  // Rounding by adding and subtracting ROUNDER leaves the nearest integer (ties to even) of any
  // |x| < 2^51, much cheaper than Math.floor / Math.round in V8.
  const ROUNDER = 6755399441055744;
  let hessTotal = 0;
  let absTotal = 0;
  let gradTotal = 0;
  let integers = true;
  for (let i = 0; i < count; i++) {
    const r = idx[i];
    const h = hess[r];
    gradTotal += grad[r];
    if (!(h >= 0 && h < 2 ** 40)) return null;
    // A non-negative integer (larger ones fail the total's check below anyway).
    if (integers && h + ROUNDER - ROUNDER !== h) integers = false;
    hessTotal += h;
    absTotal += Math.abs(grad[r]);
  }
  if (!Number.isFinite(absTotal) || hessTotal >= 2 ** 40) return null;
  if (!integers) return packQuantisedHessians(grad, hess, idx, count, out, gradTotal, absTotal, hessTotal);
  // unit * (hessTotal + 1/2) < 2^52: every packed sum is an exact integer.
  const hessBits = Math.ceil(Math.log2(hessTotal + 1));
  const unit = 2 ** (52 - hessBits);
  // Rounding adds at most 1/2 per row, so sum |q| <= scale * absTotal + count / 2 < unit / 2.
  const room = unit / 2 - count - 1;
  if (room < MIN_STEPS_PER_ROW * count) return null;
  const scale = absTotal > 0 ? room / absTotal : 1;
  let quantSum = 0;
  for (let i = 0; i < count; i++) {
    const r = idx[i];
    const x = grad[r] * scale;
    // Math.round(x): the nearest integer, halves rounded up (|x| < unit / 2 <= 2^51).
    let q = x + ROUNDER - ROUNDER;
    if (x - q === 0.5) q += 1;
    out[r] = q + hess[r] * unit;
    quantSum += q;
  }
  return { unit, scale, hessScale: 1, quantSum, hessQuantSum: hessTotal, gradSum: gradTotal, hessSum: hessTotal };
}

/**
 * packGradients for hessians that are not all integers: the bits above the row count are shared
 * evenly, so gradient and hessian each get at least MIN_QUANTISED_STEPS_PER_ROW steps per row on
 * average (2^13 each for 100,000 rows).
 */
function packQuantisedHessians(
  grad: Float64Array,
  hess: Float64Array,
  idx: Int32Array,
  count: number,
  out: Float64Array,
  gradTotal: number,
  absTotal: number,
  hessTotal: number,
): GradientPacking | null {
  const ROUNDER = 6755399441055744;
  const countBits = Math.ceil(Math.log2(count + 1));
  // 52 bits: the hessian's sum (countBits + stepBits, plus one for rounding), the gradient's
  // (the same, plus the sign's half of the unit and one for rounding).
  const stepBits = Math.floor((52 - 2 * countBits - 3) / 2);
  if (2 ** stepBits < MIN_QUANTISED_STEPS_PER_ROW) return null;
  const hessRoom = 2 ** (countBits + stepBits);
  const hessScale = hessTotal > 0 ? hessRoom / hessTotal : 1;
  // sum h_q <= hessRoom + count / 2 < 2^(countBits + stepBits + 1).
  const unit = 2 ** (52 - (countBits + stepBits + 1));
  const room = unit / 2 - count - 1;
  if (room < MIN_QUANTISED_STEPS_PER_ROW * count) return null;
  const scale = absTotal > 0 ? room / absTotal : 1;
  let quantSum = 0;
  let hessQuantSum = 0;
  for (let i = 0; i < count; i++) {
    const r = idx[i];
    const x = grad[r] * scale;
    let q = x + ROUNDER - ROUNDER;
    if (x - q === 0.5) q += 1;
    const hx = hess[r] * hessScale;
    let hq = hx + ROUNDER - ROUNDER;
    if (hx - hq === 0.5) hq += 1;
    out[r] = q + hq * unit;
    quantSum += q;
    hessQuantSum += hq;
  }
  return { unit, scale, hessScale, quantSum, hessQuantSum, gradSum: gradTotal, hessSum: hessQuantSum / hessScale };
}

/**
 * Adds the packed values of rows idx[start..end) into the packed histogram `hist` (one double
 * per bin, indexed by binIndex directly) for features [fromFeature, toFeature). Self-contained so
 * worker threads run this exact code; integer sums make the result independent of any order.
 */
export function buildPackedHistogram(
  binIndex: Uint16Array | Uint32Array,
  cols: number,
  packed: Float64Array,
  idx: Int32Array,
  start: number,
  end: number,
  fromFeature: number,
  toFeature: number,
  hist: Float64Array,
): void {
  for (let i = start; i < end; i++) {
    const r = idx[i];
    const v = packed[r];
    const e = r * cols + toFeature;
    let q = r * cols + fromFeature;
    for (; q + 3 < e; q += 4) {
      hist[binIndex[q]] += v;
      hist[binIndex[q + 1]] += v;
      hist[binIndex[q + 2]] += v;
      hist[binIndex[q + 3]] += v;
    }
    for (; q < e; q++) hist[binIndex[q]] += v;
  }
}

/**
 * buildPackedHistogram from the sparse form (binning.ts): adds the packed values of rows
 * idx[start..end) into the bins of their non-default values only, and their sum into the last
 * slot of `hist` (the node total, from which fillDefaultBins recovers the default bins).
 * Self-contained so worker threads run this exact code; integer sums make the result
 * independent of any order or cut.
 */
export function buildSparsePackedHistogram(
  sparseIndex: Uint16Array | Uint32Array,
  rowStart: Int32Array,
  packed: Float64Array,
  idx: Int32Array,
  start: number,
  end: number,
  hist: Float64Array,
): void {
  let total = 0;
  for (let i = start; i < end; i++) {
    const r = idx[i];
    const v = packed[r];
    total += v;
    const e = rowStart[r + 1];
    let q = rowStart[r];
    for (; q + 3 < e; q += 4) {
      hist[sparseIndex[q]] += v;
      hist[sparseIndex[q + 1]] += v;
      hist[sparseIndex[q + 2]] += v;
      hist[sparseIndex[q + 3]] += v;
    }
    for (; q < e; q++) hist[sparseIndex[q]] += v;
  }
  hist[hist.length - 1] += total;
}

/**
 * Completes a histogram built by buildSparsePackedHistogram: each feature's default bin (still
 * zero) becomes the node total minus the feature's other bins. Exact (integer sums), so the
 * histogram equals the one buildPackedHistogram gives.
 */
export function fillDefaultBins(hist: Float64Array, offsets: Int32Array, cols: number, defaultBin: Int32Array): void {
  const total = hist[hist.length - 1];
  for (let c = 0; c < cols; c++) {
    let sum = 0;
    const end = offsets[c + 1] >> 1;
    for (let k = offsets[c] >> 1; k < end; k++) sum += hist[k];
    hist[defaultBin[c]] = total - sum;
  }
}

/**
 * Decodes a packed histogram into the (gradient, hessian) layout the split search reads:
 * out[2b] = q_b / scale, out[2b + 1] = h_b / hessScale.
 */
export function unpackHistogram(packedHist: Float64Array, packing: GradientPacking, out: Float64Array): void {
  const { unit } = packing;
  const invUnit = 1 / unit;
  const invScale = 1 / packing.scale;
  const invHessScale = 1 / packing.hessScale;
  for (let b = 0; b < packedHist.length; b++) {
    const v = packedHist[b];
    const h = Math.round(v * invUnit);
    out[2 * b] = (v - h * unit) * invScale;
    out[2 * b + 1] = h * invHessScale;
  }
}

/** Reuses histogram buffers across nodes and trees instead of allocating one per node. */
export class HistogramPool {
  private readonly free: Float64Array[] = [];
  constructor(private readonly size: number) {}

  /** A zero-filled histogram. */
  acquire(): Float64Array {
    const h = this.free.pop();
    if (h === undefined) return sharedFloat64(this.size);
    h.fill(0);
    return h;
  }

  release(h: Float64Array): void {
    this.free.push(h);
  }
}

/**
 * Adds the rows idx[start..end) into `hist` (which the caller zeroed); gradHess interleaves
 * each row's gradient and hessian (one cache line serves both). The whole-row case of
 * buildHistogramFeatures, whose loop it runs.
 */
export function buildHistogram(
  binIndex: Uint16Array | Uint32Array,
  cols: number,
  gradHess: Float64Array,
  idx: Int32Array,
  start: number,
  end: number,
  hist: Float64Array,
): void {
  buildHistogramFeatures(binIndex, cols, gradHess, idx, start, end, 0, cols, hist);
}

/** Sibling subtraction: parent -= child, turning the parent's histogram into the sibling's in place. */
export function subtractHistogram(parent: Float64Array, child: Float64Array): void {
  for (let k = 0; k < parent.length; k++) parent[k] -= child[k];
}

/**
 * Like buildHistogram but only for the listed features features[from..to) (zeroing their slices
 * first): used when each split samples few features, where building just those beats building all
 * and subtracting. Self-contained so worker threads run this exact code on a share of the list.
 */
export function buildFeatureHistogram(
  binIndex: Uint16Array | Uint32Array,
  cols: number,
  offsets: Int32Array,
  gradHess: Float64Array,
  idx: Int32Array,
  start: number,
  end: number,
  features: Int32Array,
  from: number,
  to: number,
  hist: Float64Array,
): void {
  for (let j = from; j < to; j++) {
    const f = features[j];
    hist.fill(0, offsets[f], offsets[f + 1]);
  }
  for (let i = start; i < end; i++) {
    const r = idx[i];
    const g = gradHess[2 * r];
    const h = gradHess[2 * r + 1];
    const p = r * cols;
    let j = from;
    for (; j + 3 < to; j += 4) {
      const k0 = binIndex[p + features[j]] << 1;
      const k1 = binIndex[p + features[j + 1]] << 1;
      const k2 = binIndex[p + features[j + 2]] << 1;
      const k3 = binIndex[p + features[j + 3]] << 1;
      hist[k0] += g;
      hist[k0 + 1] += h;
      hist[k1] += g;
      hist[k1 + 1] += h;
      hist[k2] += g;
      hist[k2 + 1] += h;
      hist[k3] += g;
      hist[k3 + 1] += h;
    }
    for (; j < to; j++) {
      const k = binIndex[p + features[j]] << 1;
      hist[k] += g;
      hist[k + 1] += h;
    }
  }
}
