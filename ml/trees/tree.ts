/**
 * The compact flat-array regression tree produced by the grower.
 *
 * Node k is a leaf when feature[k] < 0 (its output is value[k]); otherwise rows with
 * x[feature[k]] <= threshold[k] go to left[k] and the others to left[k] + 1 (children are always
 * adjacent). Missing values (NaN) go left when defaultLeft[k] is 1, right otherwise.
 * `splitBin[k]` is the same test on binned data (bin <= splitBin), kept for training only.
 */
import { z } from 'zod';

export interface FlatTree {
  readonly nodeCount: number;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly defaultLeft: Uint8Array;
  readonly value: Float64Array;
  readonly splitBin: Uint8Array;
}

/** Growable builder used while a tree is grown; children are allocated in pairs. */
export class TreeBuilder {
  nodeCount = 0;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  defaultLeft: Uint8Array;
  value: Float64Array;
  splitBin: Uint8Array;

  constructor(capacity = 63) {
    this.feature = new Int32Array(capacity);
    this.threshold = new Float64Array(capacity);
    this.left = new Int32Array(capacity);
    this.defaultLeft = new Uint8Array(capacity);
    this.value = new Float64Array(capacity);
    this.splitBin = new Uint8Array(capacity);
  }

  /** Starts a new tree with a single root leaf (node 0). */
  reset(): void {
    this.nodeCount = 0;
    this.addLeaf(0);
  }

  private addLeaf(value: number): number {
    if (this.nodeCount === this.feature.length) this.grow();
    const k = this.nodeCount++;
    this.feature[k] = -1;
    this.threshold[k] = 0;
    this.left[k] = -1;
    this.defaultLeft[k] = 0;
    this.value[k] = value;
    this.splitBin[k] = 0;
    return k;
  }

  setLeafValue(node: number, value: number): void {
    this.value[node] = value;
  }

  /** Turns leaf `node` into a split and returns the id of its left child (right = left + 1). */
  split(node: number, feature: number, threshold: number, bin: number, defaultLeft: boolean): number {
    const l = this.addLeaf(0);
    this.addLeaf(0);
    this.feature[node] = feature;
    this.threshold[node] = threshold;
    this.splitBin[node] = bin;
    this.defaultLeft[node] = defaultLeft ? 1 : 0;
    this.left[node] = l;
    this.value[node] = 0;
    return l;
  }

  private grow(): void {
    const cap = this.feature.length * 2 + 1;
    const f = new Int32Array(cap);
    f.set(this.feature);
    this.feature = f;
    const t = new Float64Array(cap);
    t.set(this.threshold);
    this.threshold = t;
    const l = new Int32Array(cap);
    l.set(this.left);
    this.left = l;
    const d = new Uint8Array(cap);
    d.set(this.defaultLeft);
    this.defaultLeft = d;
    const v = new Float64Array(cap);
    v.set(this.value);
    this.value = v;
    const b = new Uint8Array(cap);
    b.set(this.splitBin);
    this.splitBin = b;
  }

  /** A trimmed copy of the current tree. */
  build(): FlatTree {
    const n = this.nodeCount;
    return {
      nodeCount: n,
      feature: this.feature.slice(0, n),
      threshold: this.threshold.slice(0, n),
      left: this.left.slice(0, n),
      defaultLeft: this.defaultLeft.slice(0, n),
      value: this.value.slice(0, n),
      splitBin: this.splitBin.slice(0, n),
    };
  }
}

/**
 * Adds `scale * tree(row)` to out[row] for every row of a row-major binned table (valueBins[f]
 * is feature f's missing bin).
 */
export function addTreeBinned(
  tree: FlatTree,
  bins: Uint8Array,
  cols: number,
  valueBins: Int32Array,
  rows: number,
  scale: number,
  out: Float64Array,
): void {
  const { feature, splitBin, left, defaultLeft, value } = tree;
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let node = 0;
    let f = feature[0];
    while (f >= 0) {
      const b = bins[base + f];
      node = left[node] + (b <= splitBin[node] || (b === valueBins[f] && defaultLeft[node] === 1) ? 0 : 1);
      f = feature[node];
    }
    out[r] += scale * value[node];
  }
}

/** Adds `scale * tree(row)` to out[row] for every row of a column-major raw matrix. */
export function addTreeRaw(tree: FlatTree, values: Float64Array, rows: number, scale: number, out: Float64Array): void {
  const { feature, threshold, left, defaultLeft, value } = tree;
  for (let r = 0; r < rows; r++) {
    let node = 0;
    let f = feature[0];
    while (f >= 0) {
      const v = values[f * rows + r];
      node = left[node] + (v <= threshold[node] || (v !== v && defaultLeft[node] === 1) ? 0 : 1);
      f = feature[node];
    }
    out[r] += scale * value[node];
  }
}

/** Plain-array form of a tree for JSON (splitBin is training-only and not saved). */
export const flatTreeJSONSchema = z.object({
  feature: z.array(z.number().int()),
  threshold: z.array(z.number()),
  left: z.array(z.number().int()),
  defaultLeft: z.array(z.number().int().min(0).max(1)),
  value: z.array(z.number()),
});
export type FlatTreeJSON = z.infer<typeof flatTreeJSONSchema>;

export function treeToJSON(tree: FlatTree): FlatTreeJSON {
  return {
    feature: Array.from(tree.feature),
    threshold: Array.from(tree.threshold),
    left: Array.from(tree.left),
    defaultLeft: Array.from(tree.defaultLeft),
    value: Array.from(tree.value),
  };
}

/** @throws Error when the arrays disagree in length or point outside the tree. */
export function treeFromJSON(json: FlatTreeJSON, cols: number): FlatTree {
  const n = json.feature.length;
  if (json.threshold.length !== n || json.left.length !== n || json.defaultLeft.length !== n || json.value.length !== n) {
    throw new Error('tree arrays have different lengths');
  }
  for (let k = 0; k < n; k++) {
    const f = json.feature[k];
    if (f >= cols) throw new Error(`tree node ${k} uses feature ${f}, model has ${cols}`);
    if (f >= 0 && (json.left[k] <= k || json.left[k] + 1 >= n)) throw new Error(`tree node ${k} has invalid children`);
  }
  return {
    nodeCount: n,
    feature: Int32Array.from(json.feature),
    threshold: Float64Array.from(json.threshold),
    left: Int32Array.from(json.left),
    defaultLeft: Uint8Array.from(json.defaultLeft),
    value: Float64Array.from(json.value),
    splitBin: new Uint8Array(n),
  };
}
