/**
 * Fast prediction for a sum of trees: every tree is copied into one set of flat arrays (global
 * node ids, children adjacent), and a batch is predicted block by block: a block of rows is
 * transposed to row-major once, then every tree walks all rows of the block while its nodes stay
 * in cache. No allocation happens inside the loops.
 *
 * `predictRows` is self-contained (it references nothing outside its body) so that
 * `prediction-pool.ts` can run the very same code in worker threads: each row's trees are summed
 * in the same order whichever thread runs it, so results do not depend on the thread count.
 */
import type { FeatureMatrix } from '../matrix';
import { sharedFloat64, sharedInt32, sharedUint8 } from './shared';
import type { FlatTree } from './tree';

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
  readonly cFeature: Int32Array;
  readonly cThreshold: Float64Array;
  /** feature | (1 << 16 when the node sends missing values right): one load in the NaN kernel. */
  readonly cFeatureMissing: Int32Array;
  readonly cLeaf: Float64Array;
}

/** A batch predictor running predictRows on several threads; returns false to decline. */
export type ParallelForestPredictor = (
  forest: ForestArrays,
  values: Float64Array,
  rows: number,
  base: number,
  scale: number,
  out: Float64Array,
) => boolean;

let parallelPredictor: ParallelForestPredictor | null = null;

/** Installs (or with null removes) the multi-threaded batch predictor (see prediction-pool.ts). */
export function setParallelForestPredictor(p: ParallelForestPredictor | null): void {
  parallelPredictor = p;
}


export class CompiledForest {
  readonly arrays: ForestArrays;

  constructor(
    trees: readonly FlatTree[],
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
    // Feature indices share an Int32 with the missing-side flag (bit 16): at most 65,535 columns.
    if (depth > MAX_COMPLETE_DEPTH || slots > MAX_COMPLETE_SLOTS || cols > 0xffff) {
      this.arrays = {
        ...base,
        completeDepth: -1,
        cFeature: new Int32Array(0),
        cThreshold: new Float64Array(0),
        cFeatureMissing: new Int32Array(0),
        cLeaf: new Float64Array(0),
      };
      return;
    }
    const inner = (1 << depth) - 1;
    const leaves = 1 << depth;
    const cFeature = sharedInt32(slots);
    const cThreshold = sharedFloat64(slots).fill(Number.POSITIVE_INFINITY);
    const cFeatureMissing = sharedInt32(slots);
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
          cFeature[at] = t.feature[node];
          cThreshold[at] = t.threshold[node];
          cFeatureMissing[at] = t.feature[node] | ((1 - t.defaultLeft[node]) << 16);
          stack.push(t.left[node], 2 * slot + 1, level + 1, t.left[node] + 1, 2 * slot + 2, level + 1);
        } else {
          let s2 = slot;
          for (let l = level; l < depth; l++) s2 = 2 * s2 + 1;
          cLeaf[i * leaves + (s2 - inner)] = t.value[node];
        }
      }
    });
    this.arrays = { ...base, completeDepth: depth, cFeature, cThreshold, cFeatureMissing, cLeaf };
  }

  get treeCount(): number {
    return this.arrays.treeCount;
  }

  /**
   * out[r] = base + scale * sum over trees of tree(X row r), on several threads when a parallel
   * predictor is installed and accepts the batch.
   * @throws RangeError when X has the wrong number of columns.
   */
  predictInto(X: FeatureMatrix, base: number, scale: number, out: Float64Array): void {
    if (X.cols !== this.cols) throw new RangeError(`X has ${X.cols} columns, the model was fitted on ${this.cols}`);
    if (parallelPredictor !== null && parallelPredictor(this.arrays, X.values, X.rows, base, scale, out)) return;
    predictRows(this.arrays, X.values, X.rows, 0, X.rows, base, scale, out);
  }

  /** base + scale * sum of trees for one row given as feature values in column order. */
  predictRow(row: ArrayLike<number>, base: number, scale: number): number {
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

/**
 * out[r] = base + scale * sum of trees for rows [from, to) of a column-major table with `rows`
 * rows. Self-contained on purpose (see the file comment). Rows go in blocks of 64, transposed to
 * row-major; the block's NaN-free rows take the branch-free complete-layout kernel, four rows at a
 * time (four independent dependency chains; `+(a > b)` is a flag-set, not a branch mispredicted
 * half the time); rows with a NaN take a (also branch-free) kernel honouring each node's
 * default side; forests
 * too deep for the complete layout walk the pointer layout.
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
  const block = new Float64Array(BLOCK * cols);
  const acc = new Float64Array(BLOCK);
  const cleanRows = new Int32Array(BLOCK);
  const missingRows = new Int32Array(BLOCK);
  const inner = depth >= 0 ? (1 << depth) - 1 : 0;
  const { cFeature, cThreshold, cFeatureMissing, cLeaf, roots, feature, threshold, left, defaultLeft, value } = f;
  for (let start = from; start < to; start += BLOCK) {
    const m = Math.min(BLOCK, to - start);
    for (let c = 0; c < cols; c++) {
      const src = c * rows + start;
      for (let i = 0; i < m; i++) block[i * cols + c] = values[src + i];
    }
    acc.fill(0);
    if (depth < 0) {
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
      // Split the block's rows into NaN-free ones (fast kernel) and the others.
      let nClean = 0;
      let nMissing = 0;
      for (let i = 0; i < m; i++) {
        let has = false;
        const b = i * cols;
        for (let c = 0; c < cols; c++) if (block[b + c] !== block[b + c]) has = true;
        if (has) missingRows[nMissing++] = i;
        else cleanRows[nClean++] = i;
      }
      for (let t = 0; t < treeCount; t++) {
        const tb = t * inner;
        const lb = t * (inner + 1) - inner;
        let j = 0;
        for (; j + 3 < nClean; j += 4) {
          const i0 = cleanRows[j];
          const i1 = cleanRows[j + 1];
          const i2 = cleanRows[j + 2];
          const i3 = cleanRows[j + 3];
          const r0 = i0 * cols;
          const r1 = i1 * cols;
          const r2 = i2 * cols;
          const r3 = i3 * cols;
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          for (let d = 0; d < depth; d++) {
            const k0 = tb + s0;
            const k1 = tb + s1;
            const k2 = tb + s2;
            const k3 = tb + s3;
            s0 = 2 * s0 + 1 + +(block[r0 + cFeature[k0]] > cThreshold[k0]);
            s1 = 2 * s1 + 1 + +(block[r1 + cFeature[k1]] > cThreshold[k1]);
            s2 = 2 * s2 + 1 + +(block[r2 + cFeature[k2]] > cThreshold[k2]);
            s3 = 2 * s3 + 1 + +(block[r3 + cFeature[k3]] > cThreshold[k3]);
          }
          acc[i0] += cLeaf[lb + s0];
          acc[i1] += cLeaf[lb + s1];
          acc[i2] += cLeaf[lb + s2];
          acc[i3] += cLeaf[lb + s3];
        }
        for (; j < nClean; j++) {
          const i = cleanRows[j];
          const r = i * cols;
          let s = 0;
          for (let d = 0; d < depth; d++) {
            const k = tb + s;
            s = 2 * s + 1 + +(block[r + cFeature[k]] > cThreshold[k]);
          }
          acc[i] += cLeaf[lb + s];
        }
        // Rows with a NaN: still branch-free. A NaN fails both comparisons, so `v > t` sends it
        // left; nodes whose missing values go right add `v !== v`.
        for (j = 0; j + 3 < nMissing; j += 4) {
          const i0 = missingRows[j];
          const i1 = missingRows[j + 1];
          const i2 = missingRows[j + 2];
          const i3 = missingRows[j + 3];
          const r0 = i0 * cols;
          const r1 = i1 * cols;
          const r2 = i2 * cols;
          const r3 = i3 * cols;
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          for (let d = 0; d < depth; d++) {
            const k0 = tb + s0;
            const k1 = tb + s1;
            const k2 = tb + s2;
            const k3 = tb + s3;
            const m0 = cFeatureMissing[k0];
            const v0 = block[r0 + (m0 & 0xffff)];
            const m1 = cFeatureMissing[k1];
            const v1 = block[r1 + (m1 & 0xffff)];
            const m2 = cFeatureMissing[k2];
            const v2 = block[r2 + (m2 & 0xffff)];
            const m3 = cFeatureMissing[k3];
            const v3 = block[r3 + (m3 & 0xffff)];
            s0 = 2 * s0 + 1 + (+(v0 > cThreshold[k0]) | ((m0 >> 16) & +(v0 !== v0)));
            s1 = 2 * s1 + 1 + (+(v1 > cThreshold[k1]) | ((m1 >> 16) & +(v1 !== v1)));
            s2 = 2 * s2 + 1 + (+(v2 > cThreshold[k2]) | ((m2 >> 16) & +(v2 !== v2)));
            s3 = 2 * s3 + 1 + (+(v3 > cThreshold[k3]) | ((m3 >> 16) & +(v3 !== v3)));
          }
          acc[i0] += cLeaf[lb + s0];
          acc[i1] += cLeaf[lb + s1];
          acc[i2] += cLeaf[lb + s2];
          acc[i3] += cLeaf[lb + s3];
        }
        for (; j < nMissing; j++) {
          const i = missingRows[j];
          const r = i * cols;
          let s = 0;
          for (let d = 0; d < depth; d++) {
            const k = tb + s;
            const mk = cFeatureMissing[k];
            const v = block[r + (mk & 0xffff)];
            s = 2 * s + 1 + (+(v > cThreshold[k]) | ((mk >> 16) & +(v !== v)));
          }
          acc[i] += cLeaf[lb + s];
        }
      }
    }
    for (let i = 0; i < m; i++) out[start + i] = base + scale * acc[i];
  }
}
