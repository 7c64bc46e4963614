/**
 * Gradient/hessian histograms: for each feature, the sums of gradient and hessian of the node's
 * rows in each of its bins (value bins, then the missing bin). Layout: one Float64Array per node,
 * `hist[offsets[feature] + 2 * bin]` = gradient sum, `+ 1` = hessian sum (offsets from
 * binMatrix), so a split scan walks one feature's bins contiguously and features with few
 * distinct values take little room.
 */
import { sharedFloat64 } from './shared';

/**
 * Builds a node's full histogram. Single-threaded by default; prediction-pool.ts can install a
 * builder that splits the features among worker threads (each feature still summed by one thread
 * in row order, so the histogram is bit-identical).
 */
export type HistogramBuilder = (
  binIndex: Uint16Array | Uint32Array,
  cols: number,
  gradHess: Float64Array,
  idx: Int32Array,
  start: number,
  end: number,
  hist: Float64Array,
) => void;

let histogramBuilder: HistogramBuilder | null = null;

/** Installs (or with null removes) a multi-threaded histogram builder. */
export function setHistogramBuilder(b: HistogramBuilder | null): void {
  histogramBuilder = b;
}

/** A node's histogram through the installed builder, or buildHistogram. */
export function buildNodeHistogram(
  binIndex: Uint16Array | Uint32Array,
  cols: number,
  gradHess: Float64Array,
  idx: Int32Array,
  start: number,
  end: number,
  hist: Float64Array,
): void {
  if (histogramBuilder !== null) histogramBuilder(binIndex, cols, gradHess, idx, start, end, hist);
  else buildHistogram(binIndex, cols, gradHess, idx, start, end, hist);
}

/**
 * buildHistogram restricted to features [fromFeature, toFeature). Self-contained (it references
 * nothing outside its body) so worker threads run this exact code.
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
 * each row's gradient and hessian (one cache line serves both).
 * Hot loop: one pass over the rows, gathering each row's bins contiguously (row-major bins).
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
  // Features four at a time: four independent read-modify-writes per step (features own
  // disjoint slots, so every slot still receives its rows in the same order).
  for (let i = start; i < end; i++) {
    const r = idx[i];
    const g = gradHess[2 * r];
    const h = gradHess[2 * r + 1];
    const e = r * cols + cols;
    let q = r * cols;
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

/** Builds the sampled features' histograms of a node (see buildFeatureHistogram). */
export type FeatureHistogramBuilder = (
  binIndex: Uint16Array | Uint32Array,
  cols: number,
  offsets: Int32Array,
  gradHess: Float64Array,
  idx: Int32Array,
  start: number,
  end: number,
  features: Int32Array,
  featureCount: number,
  hist: Float64Array,
) => void;

let featureHistogramBuilder: FeatureHistogramBuilder | null = null;

/** Installs (or with null removes) a multi-threaded builder for sampled-feature histograms. */
export function setFeatureHistogramBuilder(b: FeatureHistogramBuilder | null): void {
  featureHistogramBuilder = b;
}

/** The sampled features' histograms through the installed builder, or buildFeatureHistogram. */
export function buildNodeFeatureHistogram(
  binIndex: Uint16Array | Uint32Array,
  cols: number,
  offsets: Int32Array,
  gradHess: Float64Array,
  idx: Int32Array,
  start: number,
  end: number,
  features: Int32Array,
  featureCount: number,
  hist: Float64Array,
): void {
  if (featureHistogramBuilder !== null) featureHistogramBuilder(binIndex, cols, offsets, gradHess, idx, start, end, features, featureCount, hist);
  else buildFeatureHistogram(binIndex, cols, offsets, gradHess, idx, start, end, features, 0, featureCount, hist);
}
