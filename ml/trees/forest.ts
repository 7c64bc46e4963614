/**
 * Fast prediction for a sum of trees: every tree is copied into one set of flat arrays (global
 * node ids, children adjacent), and a batch is predicted block by block: a block of rows is
 * transposed to row-major once, then every tree walks all rows of the block while its nodes stay
 * in cache. No allocation happens inside the loops.
 *
 * `predictRows` is self-contained (it references nothing outside its body) so that the worker
 * pool (ml/trees/pool) can run the very same code in worker threads: each row's trees are summed
 * in the same order whichever thread runs it, so results do not depend on the thread count.
 */
import type { FeatureMatrix } from '../matrix';
import { sharedFloat64, sharedInt32, sharedUint8 } from './shared';
import type { ForestPredictor } from './kernels';
import { treeFromJSON, treeToJSON, type FlatTree, type FlatTreeJSON } from './tree';

/** Deepest forest laid out as complete trees (2^depth - 1 split slots per tree). */
const MAX_COMPLETE_DEPTH = 12;
/** Most split slots (over all trees) the complete layout may use. */
const MAX_COMPLETE_SLOTS = 1 << 23;

function treeDepth(t: FlatTree): number {
  let max = 0;
  const depth = new Int32Array(t.nodeCount);
  for (let k = 0; k < t.nodeCount; k++) {
    if (t.feature[k] >= 0) {
      depth[t.left[k]] = depth[k] + 1;
      depth[t.left[k] + 1] = depth[k] + 1;
      if (depth[k] + 1 > max) max = depth[k] + 1;
    }
  }
  return max;
}

/** Every array a prediction reads; allocated on SharedArrayBuffer where available, for workers. */
export interface ForestArrays {
  readonly treeCount: number;
  readonly cols: number;
  readonly roots: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly defaultLeft: Uint8Array;
  readonly value: Float64Array;
  /**
   * Complete layout (when the forest is shallow enough; -1 otherwise): every tree padded to
   * depth D, slot s has children 2s+1 and 2s+2, a leaf above depth D becomes "x <= +Infinity"
   * (always left, NaN left too). A row then takes exactly D steps per tree with a branch-free
   * child choice.
   */
  readonly completeDepth: number;
  /**
   * Index of the slot's value in a prediction row of 2 x cols values (see predictRows): the
   * feature when missing values go left, cols + feature when they go right.
   */
  readonly cFeature: Int32Array;
  readonly cThreshold: Float64Array;
  readonly cLeaf: Float64Array;
}

export class CompiledForest {
  readonly arrays: ForestArrays;

  constructor(
    /** The trees, for serialisation (prediction reads `arrays`). */
    readonly trees: readonly FlatTree[],
    readonly cols: number,
  ) {
    let total = 0;
    for (const t of trees) total += t.nodeCount;
    const roots = sharedInt32(trees.length);
    const feature = sharedInt32(total);
    const threshold = sharedFloat64(total);
    const left = sharedInt32(total);
    const defaultLeft = sharedUint8(total);
    const value = sharedFloat64(total);
    let off = 0;
    trees.forEach((t, i) => {
      roots[i] = off;
      feature.set(t.feature, off);
      threshold.set(t.threshold, off);
      defaultLeft.set(t.defaultLeft, off);
      value.set(t.value, off);
      for (let k = 0; k < t.nodeCount; k++) left[off + k] = t.feature[k] >= 0 ? t.left[k] + off : -1;
      off += t.nodeCount;
    });
    let depth = 0;
    for (const t of trees) depth = Math.max(depth, treeDepth(t));
    const slots = (2 ** depth - 1) * trees.length;
    const base = { treeCount: trees.length, cols, roots, feature, threshold, left, defaultLeft, value };
    if (depth > MAX_COMPLETE_DEPTH || slots > MAX_COMPLETE_SLOTS) {
      this.arrays = {
        ...base,
        completeDepth: -1,
        cFeature: new Int32Array(0),
        cThreshold: new Float64Array(0),
        cLeaf: new Float64Array(0),
      };
      return;
    }
    const inner = (1 << depth) - 1;
    const leaves = 1 << depth;
    const cFeature = sharedInt32(slots);
    const cThreshold = sharedFloat64(slots).fill(Number.POSITIVE_INFINITY);
    const cLeaf = sharedFloat64(leaves * trees.length);
    trees.forEach((t, i) => {
      // Walk (node, slot, level) triples; a leaf above the bottom fills its leftmost bottom slot.
      const stack: number[] = [0, 0, 0];
      while (stack.length > 0) {
        const level = stack.pop() as number;
        const slot = stack.pop() as number;
        const node = stack.pop() as number;
        if (t.feature[node] >= 0) {
          const at = i * inner + slot;
          cFeature[at] = t.feature[node] + (t.defaultLeft[node] === 1 ? 0 : cols);
          cThreshold[at] = t.threshold[node];
          stack.push(t.left[node], 2 * slot + 1, level + 1, t.left[node] + 1, 2 * slot + 2, level + 1);
        } else {
          let s2 = slot;
          for (let l = level; l < depth; l++) s2 = 2 * s2 + 1;
          cLeaf[i * leaves + (s2 - inner)] = t.value[node];
        }
      }
    });
    this.arrays = { ...base, completeDepth: depth, cFeature, cThreshold, cLeaf };
  }

  get treeCount(): number {
    return this.arrays.treeCount;
  }

  /** The forest of trees in their JSON form. @throws Error when a tree is malformed or uses a feature >= cols. */
  static fromJSON(trees: readonly FlatTreeJSON[], cols: number): CompiledForest {
    return new CompiledForest(
      trees.map((t) => treeFromJSON(t, cols)),
      cols,
    );
  }

  /** The trees in their JSON form. */
  treesJSON(): FlatTreeJSON[] {
    return this.trees.map(treeToJSON);
  }

  /**
   * base + scale * sum of trees for every row of X, as a new array (see predictInto).
   * @throws RangeError when X has the wrong number of columns.
   */
  predict(X: FeatureMatrix, base: number, scale: number, predict?: ForestPredictor): Float64Array {
    if (X.cols !== this.cols) throw new RangeError(`X has ${X.cols} columns, the model was fitted on ${this.cols}`);
    const out = new Float64Array(X.rows);
    this.predictInto(X, base, scale, out, predict);
    return out;
  }

  /**
   * out[r] = base + scale * sum over trees of tree(X row r), run by `predict` (a TreeKernels
   * kernel, which may cut the batch among worker threads; default this thread).
   * @throws RangeError when X has the wrong number of columns.
   */
  predictInto(X: FeatureMatrix, base: number, scale: number, out: Float64Array, predict: ForestPredictor = predictAll): void {
    if (X.cols !== this.cols) throw new RangeError(`X has ${X.cols} columns, the model was fitted on ${this.cols}`);
    predict(this.arrays, X.values, X.rows, base, scale, out);
  }

  /**
   * base + scale * sum of trees for one row given as feature values in column order.
   * @throws RangeError when the row has the wrong number of values.
   */
  predictRow(row: ArrayLike<number>, base: number, scale: number): number {
    if (row.length !== this.cols) throw new RangeError(`row has ${row.length} values, the model was fitted on ${this.cols}`);
    const { roots, feature, threshold, left, defaultLeft, value, treeCount } = this.arrays;
    let sum = 0;
    for (let t = 0; t < treeCount; t++) {
      let node = roots[t];
      let f = feature[node];
      while (f >= 0) {
        const v = row[f];
        node = left[node] + (v <= threshold[node] || (v !== v && defaultLeft[node] === 1) ? 0 : 1);
        f = feature[node];
      }
      sum += value[node];
    }
    return base + scale * sum;
  }
}

/** predictRows over the whole batch on this thread (the serial ForestPredictor). */
function predictAll(forest: ForestArrays, values: Float64Array, rows: number, base: number, scale: number, out: Float64Array): void {
  predictRows(forest, values, rows, 0, rows, base, scale, out);
}

/**
 * out[r] = base + scale * sum of trees for rows [from, to) of a column-major table with `rows`
 * rows. Self-contained on purpose (see the file comment). Rows go in blocks of 64, transposed to
 * row-major; forests too deep for the complete layout walk the pointer layout. In the complete
 * layout every block row holds its values twice, NaN as -Infinity in the first copy and as
 * +Infinity in the second, and each slot reads the copy of its missing side (cFeature): "x >
 * threshold" then sends NaN the node's way (thresholds are finite; padding slots, +Infinity,
 * send everything left), so rows with and without NaN take the same branch-free kernel, eight
 * rows at a time (eight independent dependency chains; `+(a > b)` is a flag-set, not a branch
 * mispredicted half the time).
 */
export function predictRows(
  f: ForestArrays,
  values: Float64Array,
  rows: number,
  from: number,
  to: number,
  base: number,
  scale: number,
  out: Float64Array,
): void {
  const BLOCK = 64;
  const cols = f.cols;
  const treeCount = f.treeCount;
  const depth = f.completeDepth;
  const width = depth < 0 ? cols : 2 * cols;
  const block = new Float64Array(BLOCK * width);
  const acc = new Float64Array(BLOCK);
  const inner = depth >= 0 ? (1 << depth) - 1 : 0;
  const { cFeature, cThreshold, cLeaf, roots, feature, threshold, left, defaultLeft, value } = f;
  for (let start = from; start < to; start += BLOCK) {
    const m = Math.min(BLOCK, to - start);
    acc.fill(0);
    if (depth < 0) {
      for (let c = 0; c < cols; c++) {
        const src = c * rows + start;
        for (let i = 0; i < m; i++) block[i * cols + c] = values[src + i];
      }
      for (let t = 0; t < treeCount; t++) {
        const root = roots[t];
        for (let i = 0; i < m; i++) {
          const rowBase = i * cols;
          let node = root;
          let ft = feature[node];
          while (ft >= 0) {
            const v = block[rowBase + ft];
            node = left[node] + (v <= threshold[node] || (v !== v && defaultLeft[node] === 1) ? 0 : 1);
            ft = feature[node];
          }
          acc[i] += value[node];
        }
      }
    } else {
      for (let c = 0; c < cols; c++) {
        const src = c * rows + start;
        for (let i = 0; i < m; i++) {
          const v = values[src + i];
          const at = i * width + c;
          if (v === v) {
            block[at] = v;
            block[at + cols] = v;
          } else {
            block[at] = Number.NEGATIVE_INFINITY;
            block[at + cols] = Number.POSITIVE_INFINITY;
          }
        }
      }
      for (let t = 0; t < treeCount; t++) {
        const tb = t * inner;
        // k = tb + slot; the child of slot s is 2s + 1 + right, i.e. k' = 2k + step + right.
        const step = 1 - tb;
        const leafAt = t * (inner + 1) - inner - tb;
        let i = 0;
        for (; i + 7 < m; i += 8) {
          const r0 = i * width;
          const r1 = r0 + width;
          const r2 = r1 + width;
          const r3 = r2 + width;
          const r4 = r3 + width;
          const r5 = r4 + width;
          const r6 = r5 + width;
          const r7 = r6 + width;
          let k0 = tb;
          let k1 = tb;
          let k2 = tb;
          let k3 = tb;
          let k4 = tb;
          let k5 = tb;
          let k6 = tb;
          let k7 = tb;
          for (let d = 0; d < depth; d++) {
            k0 = 2 * k0 + step + +(block[r0 + cFeature[k0]] > cThreshold[k0]);
            k1 = 2 * k1 + step + +(block[r1 + cFeature[k1]] > cThreshold[k1]);
            k2 = 2 * k2 + step + +(block[r2 + cFeature[k2]] > cThreshold[k2]);
            k3 = 2 * k3 + step + +(block[r3 + cFeature[k3]] > cThreshold[k3]);
            k4 = 2 * k4 + step + +(block[r4 + cFeature[k4]] > cThreshold[k4]);
            k5 = 2 * k5 + step + +(block[r5 + cFeature[k5]] > cThreshold[k5]);
            k6 = 2 * k6 + step + +(block[r6 + cFeature[k6]] > cThreshold[k6]);
            k7 = 2 * k7 + step + +(block[r7 + cFeature[k7]] > cThreshold[k7]);
          }
          acc[i] += cLeaf[leafAt + k0];
          acc[i + 1] += cLeaf[leafAt + k1];
          acc[i + 2] += cLeaf[leafAt + k2];
          acc[i + 3] += cLeaf[leafAt + k3];
          acc[i + 4] += cLeaf[leafAt + k4];
          acc[i + 5] += cLeaf[leafAt + k5];
          acc[i + 6] += cLeaf[leafAt + k6];
          acc[i + 7] += cLeaf[leafAt + k7];
        }
        for (; i + 3 < m; i += 4) {
          const r0 = i * width;
          const r1 = r0 + width;
          const r2 = r1 + width;
          const r3 = r2 + width;
          let k0 = tb;
          let k1 = tb;
          let k2 = tb;
          let k3 = tb;
          for (let d = 0; d < depth; d++) {
            k0 = 2 * k0 + step + +(block[r0 + cFeature[k0]] > cThreshold[k0]);
            k1 = 2 * k1 + step + +(block[r1 + cFeature[k1]] > cThreshold[k1]);
            k2 = 2 * k2 + step + +(block[r2 + cFeature[k2]] > cThreshold[k2]);
            k3 = 2 * k3 + step + +(block[r3 + cFeature[k3]] > cThreshold[k3]);
          }
          acc[i] += cLeaf[leafAt + k0];
          acc[i + 1] += cLeaf[leafAt + k1];
          acc[i + 2] += cLeaf[leafAt + k2];
          acc[i + 3] += cLeaf[leafAt + k3];
        }
        for (; i < m; i++) {
          const r = i * width;
          let k = tb;
          for (let d = 0; d < depth; d++) k = 2 * k + step + +(block[r + cFeature[k]] > cThreshold[k]);
          acc[i] += cLeaf[leafAt + k];
        }
      }
    }
    for (let i = 0; i < m; i++) out[start + i] = base + scale * acc[i];
  }
}
