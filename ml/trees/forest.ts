/**
 * Fast prediction for a sum of trees: every tree is copied into one set of flat arrays (global
 * node ids, children adjacent), and a batch is predicted block by block: a block of rows is
 * transposed to row-major once, then every tree walks all rows of the block while its nodes stay
 * in cache. No allocation happens inside the loops.
 */
import type { FeatureMatrix } from '../matrix';
import type { FlatTree } from './tree';

/** Rows per block: the block's row-major copy (BLOCK x cols doubles) stays in L1/L2. */
const BLOCK = 64;
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

export class CompiledForest {
  readonly treeCount: number;
  private readonly roots: Int32Array;
  private readonly feature: Int32Array;
  private readonly threshold: Float64Array;
  private readonly left: Int32Array;
  private readonly defaultLeft: Uint8Array;
  private readonly value: Float64Array;
  /**
   * Complete layout (when the forest is shallow enough): every tree padded to depth D, slot s
   * has children 2s+1 and 2s+2, a leaf above depth D becomes "x <= +Infinity" (always left, NaN
   * left too). A row then takes exactly D steps per tree with a branch-free child choice.
   */
  private readonly completeDepth: number;
  private readonly cFeature: Int32Array;
  private readonly cThreshold: Float64Array;
  private readonly cDefaultLeft: Uint8Array;
  private readonly cLeaf: Float64Array;

  constructor(
    trees: readonly FlatTree[],
    readonly cols: number,
  ) {
    let total = 0;
    for (const t of trees) total += t.nodeCount;
    this.treeCount = trees.length;
    this.roots = new Int32Array(trees.length);
    this.feature = new Int32Array(total);
    this.threshold = new Float64Array(total);
    this.left = new Int32Array(total);
    this.defaultLeft = new Uint8Array(total);
    this.value = new Float64Array(total);
    let off = 0;
    trees.forEach((t, i) => {
      this.roots[i] = off;
      this.feature.set(t.feature, off);
      this.threshold.set(t.threshold, off);
      this.defaultLeft.set(t.defaultLeft, off);
      this.value.set(t.value, off);
      for (let k = 0; k < t.nodeCount; k++) this.left[off + k] = t.feature[k] >= 0 ? t.left[k] + off : -1;
      off += t.nodeCount;
    });
    let depth = 0;
    for (const t of trees) depth = Math.max(depth, treeDepth(t));
    const slots = (2 ** depth - 1) * trees.length;
    if (depth > MAX_COMPLETE_DEPTH || slots > MAX_COMPLETE_SLOTS) {
      this.completeDepth = -1;
      this.cFeature = new Int32Array(0);
      this.cThreshold = new Float64Array(0);
      this.cDefaultLeft = new Uint8Array(0);
      this.cLeaf = new Float64Array(0);
      return;
    }
    this.completeDepth = depth;
    const inner = (1 << depth) - 1;
    const leaves = 1 << depth;
    this.cFeature = new Int32Array(slots);
    this.cThreshold = new Float64Array(slots).fill(Number.POSITIVE_INFINITY);
    this.cDefaultLeft = new Uint8Array(slots).fill(1);
    this.cLeaf = new Float64Array(leaves * trees.length);
    trees.forEach((t, i) => {
      // Walk (node, slot, level) pairs; a leaf above the bottom fills its leftmost bottom slot.
      const stack: number[] = [0, 0, 0];
      while (stack.length > 0) {
        const level = stack.pop() as number;
        const slot = stack.pop() as number;
        const node = stack.pop() as number;
        if (t.feature[node] >= 0) {
          const at = i * inner + slot;
          this.cFeature[at] = t.feature[node];
          this.cThreshold[at] = t.threshold[node];
          this.cDefaultLeft[at] = t.defaultLeft[node];
          stack.push(t.left[node], 2 * slot + 1, level + 1, t.left[node] + 1, 2 * slot + 2, level + 1);
        } else {
          let s2 = slot;
          for (let l = level; l < depth; l++) s2 = 2 * s2 + 1;
          this.cLeaf[i * leaves + (s2 - inner)] = t.value[node];
        }
      }
    });
  }

  /**
   * out[r] = base + scale * sum over trees of tree(X row r). Allocates only the block buffer.
   * @throws RangeError when X has the wrong number of columns.
   */
  predictInto(X: FeatureMatrix, base: number, scale: number, out: Float64Array): void {
    const cols = this.cols;
    if (X.cols !== cols) throw new RangeError(`X has ${X.cols} columns, the model was fitted on ${cols}`);
    const n = X.rows;
    const values = X.values;
    const { roots, feature, threshold, left, defaultLeft, value, treeCount } = this;
    const block = new Float64Array(BLOCK * cols);
    const acc = new Float64Array(BLOCK);
    for (let start = 0; start < n; start += BLOCK) {
      const m = Math.min(BLOCK, n - start);
      for (let c = 0; c < cols; c++) {
        const src = c * n + start;
        for (let i = 0; i < m; i++) block[i * cols + c] = values[src + i];
      }
      acc.fill(0);
      if (this.completeDepth >= 0) {
        this.completeBlock(block, m, acc);
        for (let i = 0; i < m; i++) out[start + i] = base + scale * acc[i];
        continue;
      }
      for (let t = 0; t < treeCount; t++) {
        const root = roots[t];
        for (let i = 0; i < m; i++) {
          const rowBase = i * cols;
          let node = root;
          let f = feature[node];
          while (f >= 0) {
            const v = block[rowBase + f];
            node = left[node] + (v <= threshold[node] || (v !== v && defaultLeft[node] === 1) ? 0 : 1);
            f = feature[node];
          }
          acc[i] += value[node];
        }
      }
      for (let i = 0; i < m; i++) out[start + i] = base + scale * acc[i];
    }
  }

  /** Sums the trees over one block with the complete layout (fixed D steps per row and tree). */
  private completeBlock(block: Float64Array, m: number, acc: Float64Array): void {
    const cols = this.cols;
    const depth = this.completeDepth;
    const inner = (1 << depth) - 1;
    const leaves = inner + 1;
    const { cFeature, cThreshold, cDefaultLeft, cLeaf, treeCount } = this;
    let hasMissing = false;
    for (let k = 0; k < m * cols; k++) if (block[k] !== block[k]) hasMissing = true;
    for (let t = 0; t < treeCount; t++) {
      const tb = t * inner;
      const lb = t * leaves - inner;
      if (!hasMissing) {
        // Four rows at a time: four independent dependency chains keep the core busy while
        // each one waits on its loads; `+(a > b)` compiles to a flag-set, not a branch that
        // would be mispredicted half the time.
        let i = 0;
        for (; i + 3 < m; i += 4) {
          const r0 = i * cols;
          const r1 = r0 + cols;
          const r2 = r1 + cols;
          const r3 = r2 + cols;
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
          acc[i] += cLeaf[lb + s0];
          acc[i + 1] += cLeaf[lb + s1];
          acc[i + 2] += cLeaf[lb + s2];
          acc[i + 3] += cLeaf[lb + s3];
        }
        for (; i < m; i++) {
          const rowBase = i * cols;
          let s = 0;
          for (let d = 0; d < depth; d++) {
            const k = tb + s;
            s = 2 * s + 1 + +(block[rowBase + cFeature[k]] > cThreshold[k]);
          }
          acc[i] += cLeaf[lb + s];
        }
      } else {
        for (let i = 0; i < m; i++) {
          const rowBase = i * cols;
          let s = 0;
          for (let d = 0; d < depth; d++) {
            const k = tb + s;
            const v = block[rowBase + cFeature[k]];
            s = 2 * s + (v <= cThreshold[k] || (v !== v && cDefaultLeft[k] === 1) ? 1 : 2);
          }
          acc[i] += cLeaf[lb + s];
        }
      }
    }
  }

  /** base + scale * sum of trees for one row given as feature values in column order. */
  predictRow(row: ArrayLike<number>, base: number, scale: number): number {
    const { roots, feature, threshold, left, defaultLeft, value, treeCount } = this;
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
