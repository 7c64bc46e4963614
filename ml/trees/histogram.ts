/**
 * Gradient/hessian histograms: for each feature, the sums of gradient and hessian of the node's
 * rows in each of its 256 bins (255 value bins + the missing bin). Layout: one Float64Array per
 * node, `hist[(feature * 256 + bin) * 2]` = gradient sum, `+ 1` = hessian sum, so a split scan
 * walks one feature's bins contiguously.
 */
import { BINS_PER_FEATURE } from './binning';

/** Float64 slots of one feature's histogram (gradient and hessian per bin). */
export const FEATURE_STRIDE = BINS_PER_FEATURE * 2;

/** Reuses histogram buffers across nodes and trees instead of allocating one per node. */
export class HistogramPool {
  private readonly free: Float64Array[] = [];
  constructor(private readonly size: number) {}

  /** A zero-filled histogram. */
  acquire(): Float64Array {
    const h = this.free.pop();
    if (h === undefined) return new Float64Array(this.size);
    h.fill(0);
    return h;
  }

  release(h: Float64Array): void {
    this.free.push(h);
  }
}

/**
 * Adds the rows idx[start..end) into `hist` (which the caller zeroed).
 * Hot loop: one pass over the rows, gathering each row's bins contiguously (row-major bins).
 */
export function buildHistogram(
  bins: Uint8Array,
  cols: number,
  grad: Float64Array,
  hess: Float64Array,
  idx: Int32Array,
  start: number,
  end: number,
  hist: Float64Array,
): void {
  for (let i = start; i < end; i++) {
    const r = idx[i];
    const g = grad[r];
    const h = hess[r];
    const p = r * cols;
    for (let f = 0, o = 0; f < cols; f++, o += FEATURE_STRIDE) {
      const k = o + (bins[p + f] << 1);
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
 * Like buildHistogram but only for the listed features (zeroing their slices first): used when
 * each split samples few features, where building just those beats building all and subtracting.
 */
export function buildFeatureHistogram(
  bins: Uint8Array,
  cols: number,
  grad: Float64Array,
  hess: Float64Array,
  idx: Int32Array,
  start: number,
  end: number,
  features: Int32Array,
  featureCount: number,
  hist: Float64Array,
): void {
  for (let j = 0; j < featureCount; j++) {
    const o = features[j] * FEATURE_STRIDE;
    hist.fill(0, o, o + FEATURE_STRIDE);
  }
  for (let i = start; i < end; i++) {
    const r = idx[i];
    const g = grad[r];
    const h = hess[r];
    const p = r * cols;
    for (let j = 0; j < featureCount; j++) {
      const f = features[j];
      const k = f * FEATURE_STRIDE + (bins[p + f] << 1);
      hist[k] += g;
      hist[k + 1] += h;
    }
  }
}
