/**
 * Quantile binning: every feature is quantised to at most 255 value bins (indices 0..nb-1) plus
 * one reserved bin for NaN, index nb (the feature's "missing bin", at most 255). A value x falls
 * in the first bin b with x <= upper[b]; the last bin's upper bound is +Infinity. A split
 * "bin <= b" is therefore the same as "x <= upper[b]" on raw values, so trees trained on bins
 * predict on raw floats. Histograms are compact: feature f owns slots
 * [offsets[f], offsets[f + 1]), two (gradient, hessian) per bin, so a binary feature costs 3 bins,
 * not 256.
 */
import type { FeatureMatrix } from '../matrix';
import type { BoundsFitter } from './kernels';
import { sharedInt32, sharedUint16, sharedUint32, sharedUint8 } from './shared';

/** Most value bins a feature can have (bins 0..254; the missing bin is then 255). */
export const MAX_VALUE_BINS = 255;

/** Upper bounds of the value bins of every feature (last bound is +Infinity). */
export interface BinMapper {
  readonly upper: readonly Float64Array[];
}

/**
 * The binned training table. Layout: row-major (`bins[row * cols + col]`), because the hot
 * loop (histogram building) gathers whole rows by index; one cache line then serves every
 * feature of a row instead of one line per feature.
 */
export interface BinnedMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly bins: Uint8Array;
  /**
   * Row-major histogram bin of each value over all features, offsets[col] / 2 + bin (16 bits
   * while the histogram has at most 65,536 bins, else 32): the histogram loop reads it directly
   * instead of adding a per-feature offset.
   */
  readonly binIndex: Uint16Array | Uint32Array;
  /** The same bins column-major (`columns[col * rows + row]`), for the one-feature scan of a partition. */
  readonly columns: Uint8Array;
  /** Number of value bins of each feature; it is also the feature's missing bin. */
  readonly valueBins: Int32Array;
  /** Histogram slot offset of each feature (length cols + 1; offsets[cols] = histogram size). */
  readonly offsets: Int32Array;
  readonly mapper: BinMapper;
  /**
   * Sparse form, built when at least SPARSE_SHARE of the values sit in their feature's most
   * frequent bin (one-hot columns, flags, zero-heavy lags): row r's other values, as binIndex
   * entries, are sparseIndex[rowStart[r] .. rowStart[r + 1]); defaultBin[f] is feature f's most
   * frequent bin as a histogram bin index. Packed histograms are built from it and the default
   * bins filled in as node total minus the other bins (histogram.ts). Empty arrays when not built.
   */
  readonly sparseIndex: Uint16Array | Uint32Array;
  readonly rowStart: Int32Array;
  readonly defaultBin: Int32Array;
}

/** Share of values in their feature's most frequent bin from which the sparse form is built. */
export const SPARSE_SHARE = 0.25;

/**
 * Upper bounds for one feature from its sorted non-missing values: distinct values become their
 * own bins when there are at most maxBins of them (bounds at midpoints); otherwise bounds sit at
 * equal-count quantiles, deduplicated.
 */
export function binBoundsFromSorted(sorted: Float64Array, maxBins: number): Float64Array {
  const n = sorted.length;
  if (n === 0) return Float64Array.of(Number.POSITIVE_INFINITY);
  let distinct = 1;
  for (let i = 1; i < n; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
  const bounds: number[] = [];
  if (distinct <= maxBins) {
    for (let i = 1; i < n; i++) {
      if (sorted[i] !== sorted[i - 1]) bounds.push(midpoint(sorted[i - 1], sorted[i]));
    }
  } else {
    // Walk distinct values, cutting when the running count passes the next quantile target.
    let cut = 1;
    let target = (n * cut) / maxBins;
    for (let i = 1; i < n && bounds.length < maxBins - 1; i++) {
      if (sorted[i] === sorted[i - 1]) continue;
      if (i >= target) {
        bounds.push(midpoint(sorted[i - 1], sorted[i]));
        while (cut < maxBins && (n * cut) / maxBins <= i) cut++;
        target = (n * cut) / maxBins;
      }
    }
  }
  bounds.push(Number.POSITIVE_INFINITY);
  return Float64Array.from(bounds);
}

/** A bound between two adjacent distinct values (never b itself). */
export function midpoint(a: number, b: number): number {
  const m = a + (b - a) / 2;
  // Guard against rounding putting the bound at b itself (adjacent doubles).
  return m < b ? m : a;
}

/** Room per feature in the flat bounds buffer of fitBoundsRange (255 value bins + spare). */
export const BOUNDS_STRIDE = 256;

/** fitBoundsRange over every column, on the calling thread (the serial BoundsFitter). */
function fitAllBounds(values: Float64Array, rows: number, cols: number, maxBins: number, sampleRows: number, out: Float64Array, counts: Int32Array): void {
  fitBoundsRange(values, rows, 0, cols, maxBins, sampleRows, out, counts);
}

/**
 * Fits bin bounds on (a deterministic strided sample of at most `sampleRows` rows of) X, the
 * columns' bounds fitted by `fitBounds` (a TreeKernels kernel; default this thread).
 * @throws RangeError when maxBins is not in [2, 255].
 */
export function fitBinMapper(
  X: FeatureMatrix,
  maxBins = MAX_VALUE_BINS,
  { sampleRows = 200_000, fitBounds = fitAllBounds }: { sampleRows?: number; fitBounds?: BoundsFitter } = {},
): BinMapper {
  if (!Number.isInteger(maxBins) || maxBins < 2 || maxBins > MAX_VALUE_BINS) {
    throw new RangeError(`maxBins must be an integer in [2, ${MAX_VALUE_BINS}], got ${maxBins}`);
  }
  const { rows, cols } = X;
  const out = new Float64Array(cols * BOUNDS_STRIDE);
  const counts = new Int32Array(cols);
  fitBounds(X.values, rows, cols, maxBins, sampleRows, out, counts);
  const upper: Float64Array[] = [];
  for (let c = 0; c < cols; c++) upper.push(out.slice(c * BOUNDS_STRIDE, c * BOUNDS_STRIDE + counts[c]));
  return { upper };
}

/**
 * Bounds of features [fromCol, toCol) of the column-major `values` (`rows` rows), fitted on a
 * strided sample of at most sampleRows rows, into out[c * 256 ..] (BOUNDS_STRIDE) with their
 * count in counts[c]. It calls only binBoundsFromSorted and midpoint, which worker threads
 * receive with it (ml/trees/pool/worker-source.ts).
 */
export function fitBoundsRange(
  values: Float64Array,
  rows: number,
  fromCol: number,
  toCol: number,
  maxBins: number,
  sampleRows: number,
  out: Float64Array,
  counts: Int32Array,
): void {
  const stride = rows > sampleRows ? rows / sampleRows : 1;
  const take = rows > sampleRows ? sampleRows : rows;
  const buf = new Float64Array(take);
  // The distinct values seen, up to maxBins: open addressing on the values' bit patterns (-0
  // counts as 0). Few distinct values (binary flags, calendar fields): their sorted list gives the
  // same bounds as the full sorted sample, without sorting it.
  let size = 4;
  while (size < 4 * (maxBins + 1)) size *= 2;
  const keys = new Float64Array(size);
  const used = new Uint8Array(size);
  const mask = size - 1;
  const bits = new Float64Array(1);
  const words = new Int32Array(bits.buffer);
  for (let c = fromCol; c < toCol; c++) {
    const base = c * rows;
    let k = 0;
    let distinct = 0;
    let overflow = false;
    used.fill(0);
    for (let i = 0; i < take; i++) {
      const v = values[base + Math.floor(i * stride)] + 0;
      if (v !== v) continue;
      buf[k++] = v;
      if (overflow) continue;
      bits[0] = v;
      let slot = Math.imul(words[0] ^ Math.imul(words[1], 0x9e3779b1), 0x85ebca6b) & mask;
      while (used[slot] === 1 && keys[slot] !== v) slot = (slot + 1) & mask;
      if (used[slot] === 1) continue;
      if (distinct === maxBins) {
        overflow = true;
        continue;
      }
      used[slot] = 1;
      keys[slot] = v;
      distinct++;
    }
    let sorted: Float64Array;
    if (overflow) {
      sorted = buf.slice(0, k).sort();
    } else {
      sorted = new Float64Array(distinct);
      let j = 0;
      for (let q = 0; q < size; q++) if (used[q] === 1) sorted[j++] = keys[q];
      sorted.sort();
    }
    const bounds = binBoundsFromSorted(sorted, maxBins);
    out.set(bounds, c * 256); // BOUNDS_STRIDE, written out: this function runs in workers too
    counts[c] = bounds.length;
  }
}

/** The bin of one value: binary search for the first bound >= x; NaN goes to the missing bin. */
export function binOf(upper: Float64Array, x: number): number {
  if (x !== x) return upper.length;
  let lo = 0;
  let hi = upper.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x <= upper[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Bins every value of X with the mapper into a row-major Uint8Array. */
export function binMatrix(X: FeatureMatrix, mapper: BinMapper): BinnedMatrix {
  const { rows, cols } = X;
  if (mapper.upper.length !== cols) throw new RangeError(`mapper has ${mapper.upper.length} features, X has ${cols}`);
  const bins = new Uint8Array(rows * cols);
  const columns = sharedUint8(rows * cols);
  const valueBins = sharedInt32(cols);
  const offsets = sharedInt32(cols + 1);
  for (let c = 0; c < cols; c++) offsets[c + 1] = offsets[c] + 2 * (mapper.upper[c].length + 1);
  const binIndex = offsets[cols] / 2 <= 65_536 ? sharedUint16(rows * cols) : sharedUint32(rows * cols);
  // Bounds padded with +Infinity to a power of two: a fixed-step binary search (no data-dependent
  // loop exit), same bin as binOf. Each step adds `step * (bound < x)` rather than branching on
  // the comparison (a branch mispredicted about half the steps): binning takes half the time.
  const padded = new Float64Array(MAX_VALUE_BINS + 1);
  const values = X.values;
  for (let c = 0; c < cols; c++) {
    const upper = mapper.upper[c];
    const nb = upper.length;
    valueBins[c] = nb;
    let size = 1;
    while (size < nb) size *= 2;
    padded.fill(Number.POSITIVE_INFINITY);
    padded.set(upper);
    const first = offsets[c] / 2;
    const base = c * rows;
    for (let r = 0; r < rows; r++) {
      const x = values[base + r];
      let b = nb;
      if (x === x) {
        // b = number of bounds below x = the first bin whose bound is >= x (at most nb - 1 <
        // size, as the last bound is +Infinity).
        b = 0;
        for (let step = size >> 1; step > 0; step >>= 1) b += step * +(padded[b + step - 1] < x);
      }
      columns[base + r] = b;
      bins[r * cols + c] = b;
      binIndex[r * cols + c] = first + b;
    }
  }
  const sparse = sparseForm(rows, cols, columns, binIndex, offsets);
  return { rows, cols, bins, binIndex, columns, valueBins, offsets, mapper, ...sparse };
}

/** The sparse form of BinnedMatrix (empty arrays when too few values sit in a default bin). */
function sparseForm(
  rows: number,
  cols: number,
  columns: Uint8Array,
  binIndex: Uint16Array | Uint32Array,
  offsets: Int32Array,
): Pick<BinnedMatrix, 'sparseIndex' | 'rowStart' | 'defaultBin'> {
  const defaultBin = sharedInt32(cols);
  const counts = new Int32Array(256);
  let defaults = 0;
  for (let c = 0; c < cols; c++) {
    counts.fill(0);
    const base = c * rows;
    for (let r = 0; r < rows; r++) counts[columns[base + r]]++;
    let most = 0;
    for (let k = 1; k < 256; k++) if (counts[k] > counts[most]) most = k;
    defaults += counts[most];
    defaultBin[c] = offsets[c] / 2 + most;
  }
  if (rows === 0 || defaults < SPARSE_SHARE * rows * cols) {
    return { sparseIndex: new Uint16Array(0), rowStart: new Int32Array(0), defaultBin: new Int32Array(0) };
  }
  const nnz = rows * cols - defaults;
  const sparseIndex = binIndex instanceof Uint16Array ? sharedUint16(nnz) : sharedUint32(nnz);
  const rowStart = sharedInt32(rows + 1);
  let p = 0;
  for (let r = 0; r < rows; r++) {
    rowStart[r] = p;
    const q = r * cols;
    for (let c = 0; c < cols; c++) {
      const k = binIndex[q + c];
      if (k !== defaultBin[c]) sparseIndex[p++] = k;
    }
  }
  rowStart[rows] = p;
  return { sparseIndex, rowStart, defaultBin };
}
