/**
 * Grows one regression tree on binned data from per-row gradients and hessians.
 *
 * Rows live in one Int32Array of row indices; every node owns a contiguous range of it and a
 * split partitions that range in place (stable, via a scratch buffer, so rows stay ascending and
 * memory access stays sequential). Only the smaller child's histogram is built; the larger one's
 * is the parent's minus it (sibling subtraction), computed in the parent's buffer.
 *
 * When each split samples at most half of the features (colsample <= 0.5, typical of random
 * forests), every node instead builds the histogram of just its sampled features from its rows:
 * that costs rows x sampled features per level, less than the subtraction scheme's
 * rows/2 x all features, and needs no histogram kept per open node.
 *
 * The full histograms hold packed integer gradients and hessians (histogram.ts, GradientPacking;
 * hessians as they are when they are integers, as with squared loss and forests' bootstrap
 * counts, quantised otherwise, as with Poisson): one read-modify-write per row and feature
 * instead of two, exact sibling subtraction; the split search reads them decoded, and once the
 * tree is grown its leaf values are recomputed from the exact gradient and hessian sums of their
 * rows, not the quantised ones. On tables where many values sit in
 * their feature's most frequent bin (binning.ts, sparse form) packed histograms skip those values
 * and recover the default bins from the node total (exact, so the same histogram).
 *
 * Growth: with maxLeaves = 0 nodes are expanded depth-first (so only O(depth) histograms are
 * alive); with maxLeaves > 0 the open leaf with the largest gain is expanded first (leaf-wise,
 * as LightGBM). Without a leaf limit or column sampling both give the same tree.
 *
 * Kernels: histogram building, the packed split scan, the partition of large nodes (and, in the
 * models, bin bounds and batch prediction) run through the TreeKernels given at construction
 * (kernels.ts), bound once for the grower's life: the same tree whichever set it is.
 */
import type { Random } from '../random';
import type { BinnedMatrix } from './binning';
import { fillDefaultBins, HistogramPool, packGradients, subtractHistogram, type GradientPacking } from './histogram';
import { SERIAL_KERNELS, type TreeKernels } from './kernels';
import { partitionRows } from './partition';
import { sharedFloat64, sharedInt32 } from './shared';
import { emptySplit, findBestPackedSplit, findBestSplit, SCAN_PARAMS, SCAN_SLOTS, type SplitChoice } from './split';
import { TreeBuilder, type FlatTree } from './tree';

export interface TreeGrowthOptions {
  /** Deepest level a split may create (root is depth 0); Infinity for no limit. */
  readonly maxDepth: number;
  /** Most leaves per tree; 0 for no limit. */
  readonly maxLeaves: number;
  /** Smallest hessian sum a child may have (row count for squared error). */
  readonly minChildWeight: number;
  /** L2 regularisation of leaf values. */
  readonly lambda: number;
  /** Smallest gain a split must exceed. */
  readonly minSplitGain: number;
  /** Share of features drawn (without replacement) as candidates at each split, in (0, 1]. */
  readonly colsample: number;
  /** Factor applied to every leaf value (shrinkage). */
  readonly learningRate: number;
  /** Leaf values are clipped to [-maxDeltaStep, maxDeltaStep] before shrinkage; 0 for none. */
  readonly maxDeltaStep: number;
}

interface OpenLeaf {
  node: number;
  start: number;
  end: number;
  depth: number;
  /** The node's histogram while it waits to be split (null in sampled-feature mode). */
  hist: Float64Array | null;
  split: SplitChoice;
  /** Gradient and hessian sums of the node's rows (decoded from the steps below while packed, see grow()). */
  gradSum: number;
  hessSum: number;
  /**
   * Packed mode: the gradient and hessian sums as the node's histogram holds them, in
   * quantisation steps, exact integers (a child's are its parent's minus its sibling's, exactly);
   * 0 otherwise.
   */
  gradSteps: number;
  hessSteps: number;
}

export class TreeGrower {
  private readonly pool: HistogramPool;
  private readonly scratch: Int32Array;
  /** Gradient and hessian interleaved per row, refreshed at each grow(). */
  private readonly gradHess: Float64Array;
  private readonly features: Int32Array;
  private readonly builder = new TreeBuilder();
  /** Row range idx[start..end) of every node of the last grown tree, by node id. */
  private rangeStart: number[] = [];
  private rangeEnd: number[] = [];
  private readonly candidateCount: number;
  /** Below this many (row x feature) bin updates a node builds both children directly. */
  private readonly directBuildRows: number;
  /** Sampled-feature mode (see the file comment) and its one shared histogram. */
  private readonly sampledMode: boolean;
  private readonly sharedHist: Float64Array;
  /** Packed mode (see the file comment): per-row packed values, packed histograms, decoded scratch. */
  private readonly packedRows: Float64Array;
  private readonly packedPool: HistogramPool;
  /** Scratch of the packed split search (shared: worker threads may read and write them). */
  private readonly scanParams = sharedFloat64(SCAN_PARAMS);
  private readonly scanResult = sharedFloat64(SCAN_SLOTS);
  private packing: GradientPacking | null = null;

  constructor(
    private readonly data: BinnedMatrix,
    private readonly options: TreeGrowthOptions,
    private readonly kernels: TreeKernels = SERIAL_KERNELS,
  ) {
    const histSize = data.offsets[data.cols];
    this.pool = new HistogramPool(histSize);
    this.scratch = sharedInt32(data.rows);
    this.gradHess = sharedFloat64(2 * data.rows);
    this.features = sharedInt32(data.cols);
    this.directBuildRows = histSize / 4;
    this.candidateCount = Math.max(1, Math.min(data.cols, Math.round(options.colsample * data.cols)));
    this.sampledMode = this.candidateCount * 2 <= data.cols;
    this.sharedHist = this.sampledMode ? sharedFloat64(histSize) : new Float64Array(0);
    this.packedRows = this.sampledMode ? new Float64Array(0) : sharedFloat64(data.rows);
    // One double per bin, plus the node total the sparse build fills default bins from.
    this.packedPool = new HistogramPool(histSize / 2 + 1);
  }

  /**
   * Grows a tree on rows idx[0..count) (duplicates allowed, e.g. a bootstrap sample).
   * `idx` is reordered in place; grad and hess are read only. With `addTo`, every row's leaf
   * value is also added to addTo[row] (as addLastTree does, while the leaf's rows are at hand).
   */
  grow(grad: Float64Array, hess: Float64Array, idx: Int32Array, count: number, rng: Random, addTo: Float64Array | null = null): FlatTree {
    const { rows } = this.data;
    const { maxLeaves } = this.options;
    const b = this.builder;
    b.reset();
    const gh = this.gradHess;
    this.packing = this.sampledMode ? null : packGradients(grad, hess, idx, count, this.packedRows);
    if (this.packing === null) {
      for (let r = 0; r < rows; r++) {
        gh[2 * r] = grad[r];
        gh[2 * r + 1] = hess[r];
      }
    }
    let gradSum = 0;
    let hessSum = 0;
    let gradSteps = 0;
    let hessSteps = 0;
    if (this.packing !== null) {
      // The sums as the histograms hold them (quantised; the leaf values are exact, see exactLeafValues).
      gradSteps = this.packing.quantSum;
      hessSteps = this.packing.hessQuantSum;
      gradSum = gradSteps * (1 / this.packing.scale);
      hessSum = hessSteps * (1 / this.packing.hessScale);
    } else {
      for (let i = 0; i < count; i++) {
        gradSum += grad[idx[i]];
        hessSum += hess[idx[i]];
      }
    }
    b.setLeafValue(0, this.leafValue(gradSum, hessSum));
    this.rangeStart = [0];
    this.rangeEnd = [count];
    const open: OpenLeaf[] = [];
    if (this.canSplit(0, count, hessSum) && this.sampledMode) {
      this.consider(open, 0, 0, count, 0, null, gradSum, hessSum, 0, 0, rng, gh, idx);
    } else if (this.canSplit(0, count, hessSum)) {
      const hist = this.acquire();
      this.buildHistogram(idx, 0, count, hist);
      this.consider(open, 0, 0, count, 0, hist, gradSum, hessSum, gradSteps, hessSteps, rng, gh, idx);
    }
    let leaves = 1;
    while (open.length > 0) {
      if (maxLeaves > 0 && leaves >= maxLeaves) break;
      let pick = open.length - 1;
      if (maxLeaves > 0) {
        for (let k = open.length - 2; k >= 0; k--) if (open[k].split.gain >= open[pick].split.gain) pick = k;
      }
      const leaf = open[pick];
      open.splice(pick, 1);
      leaves++;
      this.expand(open, leaf, gh, idx, rng);
    }
    for (const leaf of open) if (leaf.hist) this.release(leaf.hist);
    const tree = b.build();
    if (this.packing !== null) this.exactLeafValues(tree, grad, hess, idx, addTo);
    else if (addTo !== null) this.addLastTree(tree, idx, 1, addTo);
    return tree;
  }

  /**
   * Sets every leaf's value from the exact gradient and hessian sums of its rows (ascending);
   * with `addTo`, adds it to addTo[row] for each of those rows.
   */
  private exactLeafValues(tree: FlatTree, grad: Float64Array, hess: Float64Array, idx: Int32Array, addTo: Float64Array | null): void {
    for (let k = 0; k < tree.nodeCount; k++) {
      if (tree.feature[k] >= 0) continue;
      let g = 0;
      let h = 0;
      const start = this.rangeStart[k];
      const end = this.rangeEnd[k];
      for (let i = start; i < end; i++) {
        g += grad[idx[i]];
        h += hess[idx[i]];
      }
      const v = this.leafValue(g, h);
      tree.value[k] = v;
      if (addTo !== null) for (let i = start; i < end; i++) addTo[idx[i]] += v;
    }
  }

  /** A zeroed histogram of the current mode's layout (packed or gradient/hessian pairs). */
  private acquire(): Float64Array {
    return this.packing === null ? this.pool.acquire() : this.packedPool.acquire();
  }

  private release(h: Float64Array): void {
    if (this.packing === null) this.pool.release(h);
    else this.packedPool.release(h);
  }

  /** Adds rows idx[start..end) into hist in the current mode's layout. */
  private buildHistogram(idx: Int32Array, start: number, end: number, hist: Float64Array): void {
    const { binIndex, cols } = this.data;
    if (this.packing === null) this.kernels.histogram(binIndex, cols, this.gradHess, idx, start, end, hist);
    else if (this.data.rowStart.length === 0) this.kernels.packedHistogram(binIndex, cols, this.packedRows, idx, start, end, hist);
    else {
      const { sparseIndex, rowStart, offsets, defaultBin } = this.data;
      this.kernels.sparsePackedHistogram(sparseIndex, rowStart, this.packedRows, idx, start, end, hist);
      fillDefaultBins(hist, offsets, cols, defaultBin);
    }
  }

  private expand(open: OpenLeaf[], leaf: OpenLeaf, gh: Float64Array, idx: Int32Array, rng: Random): void {
    const { cols, mapper } = this.data;
    const { feature, bin, defaultLeft, hessLeft } = leaf.split;
    const left = this.builder.split(leaf.node, feature, mapper.upper[feature][bin], bin, defaultLeft);
    const mid = this.partition(idx, leaf.start, leaf.end, feature, bin, defaultLeft);
    this.rangeStart[left] = leaf.start;
    this.rangeEnd[left] = mid;
    this.rangeStart[left + 1] = mid;
    this.rangeEnd[left + 1] = leaf.end;
    const depth = leaf.depth + 1;
    const gradLeft = leaf.split.gradLeft;
    let gradRight = leaf.gradSum - gradLeft;
    let hessRight = leaf.hessSum - hessLeft;
    const gradStepsLeft = leaf.split.gradStepsLeft;
    const hessStepsLeft = leaf.split.hessStepsLeft;
    const gradStepsRight = leaf.gradSteps - gradStepsLeft;
    const hessStepsRight = leaf.hessSteps - hessStepsLeft;
    if (this.packing !== null) {
      // Decoded from the exact integer sums, as the split search decoded them.
      gradRight = gradStepsRight * (1 / this.packing.scale);
      hessRight = hessStepsRight * (1 / this.packing.hessScale);
    }
    this.builder.setLeafValue(left, this.leafValue(gradLeft, hessLeft));
    this.builder.setLeafValue(left + 1, this.leafValue(gradRight, hessRight));
    const nLeft = mid - leaf.start;
    const nRight = leaf.end - mid;
    const splitLeft = this.canSplit(depth, nLeft, hessLeft);
    const splitRight = this.canSplit(depth, nRight, hessRight);
    const parent = leaf.hist;
    if (parent === null) {
      if (splitRight) this.consider(open, left + 1, mid, leaf.end, depth, null, gradRight, hessRight, gradStepsRight, hessStepsRight, rng, gh, idx);
      if (splitLeft) this.consider(open, left, leaf.start, mid, depth, null, gradLeft, hessLeft, gradStepsLeft, hessStepsLeft, rng, gh, idx);
      return;
    }
    if (!splitLeft && !splitRight) {
      this.release(parent);
      return;
    }
    if ((nLeft + nRight) * cols < this.directBuildRows) {
      // Small node: building the needed children directly is cheaper than a full-size subtraction.
      this.release(parent);
      if (splitRight) {
        const h = this.acquire();
        this.buildHistogram(idx, mid, leaf.end, h);
        this.consider(open, left + 1, mid, leaf.end, depth, h, gradRight, hessRight, gradStepsRight, hessStepsRight, rng, gh, idx);
      }
      if (splitLeft) {
        const h = this.acquire();
        this.buildHistogram(idx, leaf.start, mid, h);
        this.consider(open, left, leaf.start, mid, depth, h, gradLeft, hessLeft, gradStepsLeft, hessStepsLeft, rng, gh, idx);
      }
      return;
    }
    const leftIsSmaller = nLeft <= nRight;
    const splitSmall = leftIsSmaller ? splitLeft : splitRight;
    const splitLarge = leftIsSmaller ? splitRight : splitLeft;
    const small = this.acquire();
    if (leftIsSmaller) this.buildHistogram(idx, leaf.start, mid, small);
    else this.buildHistogram(idx, mid, leaf.end, small);
    if (splitLarge) subtractHistogram(parent, small);
    else this.release(parent);
    if (!splitSmall) this.release(small);
    // Right child first so that the depth-first stack expands the left child next.
    if (splitRight) {
      const h = leftIsSmaller ? parent : small;
      this.consider(open, left + 1, mid, leaf.end, depth, h, gradRight, hessRight, gradStepsRight, hessStepsRight, rng, gh, idx);
    }
    if (splitLeft) {
      const h = leftIsSmaller ? small : parent;
      this.consider(open, left, leaf.start, mid, depth, h, gradLeft, hessLeft, gradStepsLeft, hessStepsLeft, rng, gh, idx);
    }
  }

  /**
   * Adds scale * leaf value of the last grown tree to out[row] for every row it was grown on,
   * using the leaves' row ranges instead of walking the tree. `idx` must be the array passed to
   * grow(), unchanged since.
   */
  addLastTree(tree: FlatTree, idx: Int32Array, scale: number, out: Float64Array): void {
    for (let k = 0; k < tree.nodeCount; k++) {
      if (tree.feature[k] >= 0) continue;
      const v = scale * tree.value[k];
      const end = this.rangeEnd[k];
      for (let i = this.rangeStart[k]; i < end; i++) out[idx[i]] += v;
    }
  }

  /** Searches the node's best split; keeps it open if one exists, else frees its histogram. */
  private consider(
    open: OpenLeaf[],
    node: number,
    start: number,
    end: number,
    depth: number,
    hist: Float64Array | null,
    gradSum: number,
    hessSum: number,
    gradSteps: number,
    hessSteps: number,
    rng: Random,
    gh: Float64Array,
    idx: Int32Array,
  ): void {
    const split = emptySplit();
    const count = this.sampleFeatures(rng);
    const { offsets, valueBins } = this.data;
    if (hist === null) {
      const { binIndex, cols } = this.data;
      this.kernels.featureHistogram(binIndex, cols, offsets, gh, idx, start, end, this.features, count, this.sharedHist);
      findBestSplit(this.sharedHist, offsets, valueBins, this.features, count, gradSum, hessSum, this.options, split);
    } else if (this.packing === null) {
      findBestSplit(hist, offsets, valueBins, this.features, count, gradSum, hessSum, this.options, split);
    } else {
      const { unit, scale, hessScale } = this.packing;
      findBestPackedSplit(hist, offsets, valueBins, this.features, count, unit, 1 / scale, 1 / hessScale, gradSteps, hessSteps, this.options, this.scanParams, this.scanResult, this.kernels.packedSplitScan, split);
    }
    if (split.feature < 0) {
      if (hist) this.release(hist);
      return;
    }
    open.push({ node, start, end, depth, hist, split, gradSum, hessSum, gradSteps, hessSteps });
  }

  /** Fills this.features with the split's candidate features in ascending order (Knuth's selection sampling). */
  private sampleFeatures(rng: Random): number {
    const cols = this.data.cols;
    const k = this.candidateCount;
    if (k >= cols) {
      for (let f = 0; f < cols; f++) this.features[f] = f;
      return cols;
    }
    let needed = k;
    let m = 0;
    for (let f = 0; f < cols && needed > 0; f++) {
      if (rng.next() * (cols - f) < needed) {
        this.features[m++] = f;
        needed--;
      }
    }
    return m;
  }

  private canSplit(depth: number, rows: number, hessSum: number): boolean {
    return depth < this.options.maxDepth && rows >= 2 && hessSum >= 2 * this.options.minChildWeight;
  }

  private leafValue(gradSum: number, hessSum: number): number {
    const { lambda, maxDeltaStep, learningRate } = this.options;
    const denom = hessSum + lambda;
    let w = denom > 0 ? -gradSum / denom : 0;
    if (maxDeltaStep > 0) w = w > maxDeltaStep ? maxDeltaStep : w < -maxDeltaStep ? -maxDeltaStep : w;
    return w * learningRate;
  }

  /** Stable in-place partition of idx[start..end); returns the first index of the right part. */
  private partition(idx: Int32Array, start: number, end: number, feature: number, bin: number, defaultLeft: boolean): number {
    const { columns, rows } = this.data;
    const missingLeft = defaultLeft ? this.data.valueBins[feature] : -1;
    return partitionRows(columns, feature * rows, bin, missingLeft, idx, this.scratch, start, end, this.kernels.partitioner);
  }
}
