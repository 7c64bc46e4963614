/**
 * The kernels a tree fit and a forest prediction run through, as one object passed to the model
 * (and from it to the grower), never installed process-wide: two fits in one process may use
 * different kernels. A model binds its kernels once, at construction; the grower calls them once
 * per node (histograms, split scan, partition) or once per fit (bin bounds), never inside the
 * innermost loops, which stay the plain loops of histogram.ts, split.ts, partition.ts, binning.ts
 * and forest.ts. (As scikit-learn's grower owns its HistogramBuilder and Splitter, and LightGBM
 * binds its histogram kernel variant once per feature histogram.)
 *
 * SERIAL_KERNELS runs everything on the calling thread; ml/trees/pool builds a set that cuts the
 * same work among worker threads. Every set must give bit-identical results: kernels are
 * execution, not modelling, so they are never part of a model's options or JSON.
 */
import { fitBoundsRange } from './binning';
import { predictRows, type ForestArrays } from './forest';
import { buildFeatureHistogram, buildHistogram, buildPackedHistogram, buildSparsePackedHistogram } from './histogram';
import { scanPackedSplits } from './split';

/** Adds rows idx[start..end) into `hist` (zeroed by the caller) in the (gradient, hessian) pair layout: buildHistogram's contract. */
export type HistogramBuilder = typeof buildHistogram;

/**
 * Adds the packed values (histogram.ts GradientPacking) of rows idx[start..end) into the packed
 * histogram `hist`, every feature: HistogramBuilder's arguments with packed values in place of
 * the interleaved gradients and hessians (buildPackedHistogram over all features).
 */
export type PackedHistogramBuilder = HistogramBuilder;

/** buildSparsePackedHistogram's contract (the caller then runs fillDefaultBins). */
export type SparsePackedHistogramBuilder = typeof buildSparsePackedHistogram;

/** buildFeatureHistogram over the sampled features features[0..featureCount). */
export type FeatureHistogramBuilder = (
  binIndex: Uint16Array | Uint32Array, cols: number, offsets: Int32Array, gradHess: Float64Array, idx: Int32Array, start: number, end: number, features: Int32Array, featureCount: number, hist: Float64Array,
) => void;

/** scanPackedSplits over features[0..featureCount) into out[0..SCAN_SLOTS). */
export type PackedSplitScanner = (hist: Float64Array, offsets: Int32Array, valueBins: Int32Array, features: Int32Array, featureCount: number, params: Float64Array, out: Float64Array) => void;

/**
 * Runs partitionChunkApart on rows idx[from..to) elsewhere while the caller partitions the first
 * half of a large node: start() returns false to decline, finish() the left count (-1 on failure,
 * the caller then partitions that chunk itself).
 */
export interface ChunkPartitioner {
  readonly minRows: number;
  start(columns: Uint8Array, colBase: number, bin: number, missingLeft: number, idx: Int32Array, scratch: Int32Array, from: number, to: number): boolean;
  finish(): number;
}

/** fitBoundsRange over every column [0, cols) of the column-major `values`. */
export type BoundsFitter = (values: Float64Array, rows: number, cols: number, maxBins: number, sampleRows: number, out: Float64Array, counts: Int32Array) => void;

/** out[r] = base + scale * sum of trees for every row r of a column-major batch (predictRows over [0, rows)). */
export type ForestPredictor = (forest: ForestArrays, values: Float64Array, rows: number, base: number, scale: number, out: Float64Array) => void;

/** Every kernel of a fit and a batch prediction (see the file comment). */
export interface TreeKernels {
  readonly histogram: HistogramBuilder;
  readonly packedHistogram: PackedHistogramBuilder;
  readonly sparsePackedHistogram: SparsePackedHistogramBuilder;
  readonly featureHistogram: FeatureHistogramBuilder;
  readonly packedSplitScan: PackedSplitScanner;
  /** Second-chunk partitioner of large nodes; null partitions every node in one pass here. */
  readonly partitioner: ChunkPartitioner | null;
  readonly binBounds: BoundsFitter;
  readonly predictForest: ForestPredictor;
}

/** The kernels on the calling thread: what every model uses unless given others. */
export const SERIAL_KERNELS: TreeKernels = Object.freeze({
  histogram: buildHistogram,
  packedHistogram: (binIndex, cols, packed, idx, start, end, hist) => buildPackedHistogram(binIndex, cols, packed, idx, start, end, 0, cols, hist),
  sparsePackedHistogram: buildSparsePackedHistogram,
  featureHistogram: (binIndex, cols, offsets, gradHess, idx, start, end, features, featureCount, hist) =>
    buildFeatureHistogram(binIndex, cols, offsets, gradHess, idx, start, end, features, 0, featureCount, hist),
  packedSplitScan: (hist, offsets, valueBins, features, featureCount, params, out) => scanPackedSplits(hist, offsets, valueBins, features, 0, featureCount, params, out, 0),
  partitioner: null,
  binBounds: (values, rows, cols, maxBins, sampleRows, out, counts) => fitBoundsRange(values, rows, 0, cols, maxBins, sampleRows, out, counts),
  predictForest: (forest, values, rows, base, scale, out) => predictRows(forest, values, rows, 0, rows, base, scale, out),
} satisfies TreeKernels);

/** What a model takes besides its options: instance configuration, never serialised. */
export interface TreeModelConfig {
  /** Kernels for fitting and batch prediction (default SERIAL_KERNELS). */
  kernels?: TreeKernels;
}
