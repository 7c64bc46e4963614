import { describe, expect, it } from 'vitest';
import { binMatrix, binOf, fitBinMapper, type BinnedMatrix } from '@/ml/trees/binning';
import { buildPackedHistogram, buildSparsePackedHistogram, fillDefaultBins, packGradients, subtractHistogram, unpackHistogram } from '@/ml/trees/histogram';
import { partitionChunkApart, partitionRows } from '@/ml/trees/partition';
import { SERIAL_KERNELS, type ChunkPartitioner, type TreeKernels } from '@/ml/trees/kernels';
import { GradientBoostingRegressor } from '@/ml/trees/gradient-boosting';
import { RandomForestRegressor } from '@/ml/trees/random-forest';
import { createMatrix, matrixFromRows, type FeatureMatrix } from '@/ml/matrix';
import { createRandom } from '@/ml/random';
import { sparseTable, syntheticRegression } from './helpers';

/**
 * The plain, slow reference tree: recursive, sums recomputed from the rows for every candidate,
 * same gain, same tie-breaking (feature asc, bin asc, missing right before missing left), same
 * constraints. The fast engine must make exactly the same splits on the same bins.
 */
type RefNode = { leaf: number } | { feature: number; bin: number; threshold: number; defaultLeft: boolean; left: RefNode; right: RefNode };
interface RefRules {
  maxDepth: number;
  minChildWeight: number;
  lambda: number;
  learningRate: number;
  /** Clip on raw leaf values before the learning rate (0 = none). */
  maxDeltaStep?: number;
}

/**
 * The reference tree. `hess` decides the splits; `leafHess` (default the same) gives the leaf
 * values: the engine quantises non-integer hessians for its split search only.
 */
function refGrow(data: BinnedMatrix, grad: Float64Array, hess: Float64Array, rows: number[], depth: number, o: RefRules, leafHess: Float64Array = hess): RefNode {
  let G = 0;
  let H = 0;
  let leafH = 0;
  for (const r of rows) {
    G += grad[r];
    H += hess[r];
    leafH += leafHess[r];
  }
  const raw = -G / (leafH + o.lambda);
  const clip = o.maxDeltaStep ?? 0;
  const leaf = { leaf: (clip > 0 ? Math.max(-clip, Math.min(clip, raw)) : raw) * o.learningRate };
  if (depth >= o.maxDepth || rows.length < 2 || H < 2 * o.minChildWeight) return leaf;
  const parent = (G * G) / (H + o.lambda);
  let best = { score: -Infinity, feature: -1, bin: 0, defaultLeft: false };
  const binAt = (r: number, f: number) => data.bins[r * data.cols + f];
  for (let f = 0; f < data.cols; f++) {
    const missing = rows.filter((r) => binAt(r, f) === data.valueBins[f]);
    const hasMissing = missing.length > 0;
    for (let b = 0; b < data.valueBins[f] - 1; b++) {
      if (!rows.some((r) => binAt(r, f) === b)) continue;
      const leftRows = rows.filter((r) => binAt(r, f) <= b);
      for (const missLeft of hasMissing ? [false, true] : [false]) {
        const L = missLeft ? [...leftRows, ...missing] : leftRows;
        let gl = 0;
        let hl = 0;
        for (const r of L) {
          gl += grad[r];
          hl += hess[r];
        }
        const hr = H - hl;
        if (hl < o.minChildWeight || hr < o.minChildWeight) continue;
        const score = (gl * gl) / (hl + o.lambda) + ((G - gl) * (G - gl)) / (hr + o.lambda);
        if (score > best.score + 1e-9 * Math.abs(score)) {
          best = { score, feature: f, bin: b, defaultLeft: hasMissing ? missLeft : hl >= hr };
        }
      }
    }
  }
  if (best.feature < 0 || 0.5 * (best.score - parent) <= 1e-12 * (Math.abs(parent) + 1)) return leaf;
  const goesLeft = (r: number) => {
    const bin = binAt(r, best.feature);
    return bin === data.valueBins[best.feature] ? best.defaultLeft : bin <= best.bin;
  };
  return {
    feature: best.feature,
    bin: best.bin,
    threshold: data.mapper.upper[best.feature][best.bin],
    defaultLeft: best.defaultLeft,
    left: refGrow(data, grad, hess, rows.filter(goesLeft), depth + 1, o, leafHess),
    right: refGrow(data, grad, hess, rows.filter((r) => !goesLeft(r)), depth + 1, o, leafHess),
  };
}

function refPredict(node: RefNode, X: FeatureMatrix, r: number): number {
  while (!('leaf' in node)) {
    const v = X.values[node.feature * X.rows + r];
    node = (Number.isNaN(v) ? node.defaultLeft : v <= node.threshold) ? node.left : node.right;
  }
  return node.leaf;
}

/**
 * Non-integer hessians as the engine's split search sees them (histogram.ts packGradients): the
 * bits above the row count shared evenly between gradient and hessian, h_q = round(h * s) / s
 * with s = 2^(countBits + stepBits) / sum(h).
 */
function quantisedHessians(hess: Float64Array): Float64Array {
  const countBits = Math.ceil(Math.log2(hess.length + 1));
  const stepBits = Math.floor((52 - 2 * countBits - 3) / 2);
  const total = hess.reduce((a, b) => a + b, 0);
  const s = 2 ** (countBits + stepBits) / total;
  return hess.map((h) => Math.round(h * s) / s);
}

/**
 * Plain boosting with the reference tree: squared loss (g = F - y, h = 1) or Poisson on the log
 * link (F starts at log mean(y); g = e^F - y, h = e^F, never integers; predictions e^F).
 * Returns the predictions and the trees.
 */
function refBoost(X: FeatureMatrix, y: Float64Array, rounds: number, o: RefRules, loss: 'squared' | 'poisson' = 'squared'): { predictions: Float64Array; trees: RefNode[] } {
  const data = binMatrix(X, fitBinMapper(X, 255));
  const n = X.rows;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i] / n;
  const raw = new Float64Array(n).fill(loss === 'poisson' ? Math.log(mean) : mean);
  const rows = Array.from({ length: n }, (_, i) => i);
  const trees: RefNode[] = [];
  for (let t = 0; t < rounds; t++) {
    const grad = raw.map((p, i) => (loss === 'poisson' ? Math.exp(p) : p) - y[i]);
    const hess = loss === 'poisson' ? raw.map((p) => Math.exp(p)) : new Float64Array(n).fill(1);
    const tree = loss === 'poisson' ? refGrow(data, grad, quantisedHessians(hess), rows, 0, o, hess) : refGrow(data, grad, hess, rows, 0, o);
    trees.push(tree);
    for (let i = 0; i < n; i++) raw[i] += refPredict(tree, X, i);
  }
  return { predictions: loss === 'poisson' ? raw.map(Math.exp) : raw, trees };
}

/**
 * A tree as the partition of the rows of X into its leaves, each leaf's rows with its value,
 * ordered by first row. Two trees are the same tree on X when these agree: a split at another
 * feature or threshold that parts the rows alike (a mirror image or a near tie broken the other
 * way in the last bit) is the same tree for every row.
 */
interface LeafRows {
  rows: number[];
  value: number;
}
function leafPartition(leafOf: (r: number) => { id: number; value: number }, rows: number): LeafRows[] {
  const byLeaf = new Map<number, LeafRows>();
  for (let r = 0; r < rows; r++) {
    const { id, value } = leafOf(r);
    const leaf = byLeaf.get(id);
    if (leaf) leaf.rows.push(r);
    else byLeaf.set(id, { rows: [r], value });
  }
  return [...byLeaf.values()].sort((a, b) => a.rows[0] - b.rows[0]);
}
function refLeaves(tree: RefNode, X: FeatureMatrix): LeafRows[] {
  const ids = new Map<RefNode, number>();
  return leafPartition((r) => {
    let node = tree;
    while (!('leaf' in node)) {
      const v = X.values[node.feature * X.rows + r];
      node = (Number.isNaN(v) ? node.defaultLeft : v <= node.threshold) ? node.left : node.right;
    }
    if (!ids.has(node)) ids.set(node, ids.size);
    return { id: ids.get(node) as number, value: node.leaf };
  }, X.rows);
}
function engineLeaves(tree: { feature: number[]; threshold: number[]; left: number[]; defaultLeft: number[]; value: number[] }, X: FeatureMatrix): LeafRows[] {
  return leafPartition((r) => {
    let k = 0;
    while (tree.feature[k] >= 0) {
      const v = X.values[tree.feature[k] * X.rows + r];
      k = tree.left[k] + ((Number.isNaN(v) ? tree.defaultLeft[k] === 1 : v <= tree.threshold[k]) ? 0 : 1);
    }
    return { id: k, value: tree.value[k] };
  }, X.rows);
}

/** Expects the engine's trees to be the reference's on X: the same leaves, values to `digits`. */
function expectSameTrees(engine: Parameters<typeof engineLeaves>[0][], reference: RefNode[], X: FeatureMatrix, digits: number): void {
  expect(engine.length).toBe(reference.length);
  engine.forEach((t, i) => {
    const ours = engineLeaves(t, X);
    const ref = refLeaves(reference[i], X);
    expect(ours.map((l) => l.rows)).toEqual(ref.map((l) => l.rows));
    ours.forEach((l, j) => expect(l.value).toBeCloseTo(ref[j].value, digits));
  });
}

/** SERIAL_KERNELS, counting which histogram builders a fit calls (which path it took). */
function countingKernels(): { kernels: TreeKernels; calls: Record<'pairs' | 'packed' | 'sparsePacked', number> } {
  const calls = { pairs: 0, packed: 0, sparsePacked: 0 };
  const kernels: TreeKernels = {
    ...SERIAL_KERNELS,
    histogram: (...a) => {
      calls.pairs++;
      SERIAL_KERNELS.histogram(...a);
    },
    packedHistogram: (...a) => {
      calls.packed++;
      SERIAL_KERNELS.packedHistogram(...a);
    },
    sparsePackedHistogram: (...a) => {
      calls.sparsePacked++;
      SERIAL_KERNELS.sparsePackedHistogram(...a);
    },
  };
  return { kernels, calls };
}

/** Poisson counts driven by the first three features (missing values count as 0). */
function countTarget(X: FeatureMatrix, seed: number): Float64Array {
  const rng = createRandom(seed);
  const v = X.values;
  const n = X.rows;
  const at = (c: number, r: number) => (Number.isNaN(v[c * n + r]) ? 0 : v[c * n + r]);
  return Float64Array.from({ length: n }, (_, r) => {
    const mu = Math.exp(0.8 + 0.6 * at(0, r) - 0.4 * at(1, r) + 0.3 * Math.sin(2 * at(2, r)));
    // Poisson by inversion.
    let k = 0;
    let p = Math.exp(-mu);
    let c = p;
    const u = rng.next();
    while (u > c && k < 200) {
      k++;
      p *= mu / k;
      c += p;
    }
    return k;
  });
}

describe('binning', () => {
  it('puts each distinct value in its own bin when there are few, NaN in the missing bin', () => {
    const X = matrixFromRows([[1], [2], [2], [3], [Number.NaN]]);
    const mapper = fitBinMapper(X, 255);
    expect(Array.from(mapper.upper[0])).toEqual([1.5, 2.5, Infinity]);
    const b = binMatrix(X, mapper);
    // Three value bins, so the missing bin is 3; compact histogram: (3 + 1) bins x 2 slots.
    expect(Array.from(b.bins)).toEqual([0, 1, 1, 2, 3]);
    expect(Array.from(b.columns)).toEqual([0, 1, 1, 2, 3]);
    expect(Array.from(b.offsets)).toEqual([0, 8]);
  });

  it('caps the number of bins and keeps bins of roughly equal counts', () => {
    const n = 10_000;
    const X = createMatrix(n, ['x']);
    for (let i = 0; i < n; i++) X.values[i] = (i * 7919) % n;
    const mapper = fitBinMapper(X, 16);
    expect(mapper.upper[0].length).toBeLessThanOrEqual(16);
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < n; i++) counts[binOf(mapper.upper[0], X.values[i])]++;
    for (const c of counts) expect(c).toBeGreaterThan(n / 16 / 2);
  });

  it('rejects a bad bin count', () => {
    expect(() => fitBinMapper(matrixFromRows([[1]]), 256)).toThrow(RangeError);
  });
});

describe('tree engine against the slow reference', () => {
  const rules = { maxDepth: 4, minChildWeight: 1, lambda: 1, learningRate: 0.5 };

  it('makes the same splits and predictions (no missing values)', () => {
    const { X, y } = syntheticRegression(150, 4, 3);
    const ours = new GradientBoostingRegressor({ nEstimators: 3, maxDepth: 4, learningRate: 0.5, lambda: 1 }).fit(X, y);
    const ref = refBoost(X, y, 3, rules).predictions;
    const p = ours.predict(X);
    for (let i = 0; i < X.rows; i++) expect(p[i]).toBeCloseTo(ref[i], 9);
  });

  it('makes the same splits with missing values routed to the better side', () => {
    const { X, y } = syntheticRegression(150, 4, 5, 0.3, 0.15);
    const ours = new GradientBoostingRegressor({ nEstimators: 3, maxDepth: 4, learningRate: 0.5, lambda: 1 }).fit(X, y);
    const ref = refBoost(X, y, 3, rules).predictions;
    const p = ours.predict(X);
    for (let i = 0; i < X.rows; i++) expect(p[i]).toBeCloseTo(ref[i], 9);
  });

  it('makes the same splits on a zero-heavy table (histograms from the sparse form)', () => {
    const { X, y } = sparseTable(160, 11);
    expect(binMatrix(X, fitBinMapper(X, 255)).rowStart.length).toBe(X.rows + 1);
    const ours = new GradientBoostingRegressor({ nEstimators: 3, maxDepth: 4, learningRate: 0.5, lambda: 1 }).fit(X, y);
    const ref = refBoost(X, y, 3, rules).predictions;
    const p = ours.predict(X);
    for (let i = 0; i < X.rows; i++) expect(p[i]).toBeCloseTo(ref[i], 9);
  });

  it('respects minimum child weight and depth like the reference', () => {
    const { X, y } = syntheticRegression(120, 3, 8, 0.3, 0.05);
    const o = { maxDepth: 6, minChildWeight: 7, lambda: 0, learningRate: 1 };
    const ours = new GradientBoostingRegressor({ nEstimators: 1, maxDepth: 6, minChildWeight: 7, lambda: 0, learningRate: 1 }).fit(X, y);
    const ref = refBoost(X, y, 1, o).predictions;
    const p = ours.predict(X);
    for (let i = 0; i < X.rows; i++) expect(p[i]).toBeCloseTo(ref[i], 9);
  });

  it('Poisson loss (non-integer hessians, quantised into the packed histograms): the same trees and predictions', () => {
    for (const [seed, missing] of [[13, 0], [14, 0.15]] as const) {
      const { X } = syntheticRegression(200, 4, seed, 0.3, missing);
      const y = countTarget(X, seed);
      const { kernels, calls } = countingKernels();
      const ours = new GradientBoostingRegressor({ nEstimators: 4, maxDepth: 4, learningRate: 0.5, lambda: 1, loss: 'poisson' }, { kernels }).fit(X, y);
      // The product's path: every histogram packed (hessians quantised), none in the pair layout.
      expect(calls.pairs).toBe(0);
      expect(calls.packed + calls.sparsePacked).toBeGreaterThan(4);
      // Poisson's default leaf clip (0.7, as XGBoost) in the reference too.
      const ref = refBoost(X, y, 4, { ...rules, maxDeltaStep: 0.7 }, 'poisson');
      expectSameTrees(ours.toJSON().params.trees, ref.trees, X, 9);
      const p = ours.predict(X);
      for (let i = 0; i < X.rows; i++) expect(p[i]).toBeCloseTo(ref.predictions[i], 9);
    }
  });

  it('Poisson loss on a zero-heavy table, with minimum child weight, like the reference', () => {
    const { X } = sparseTable(180, 12);
    const y = countTarget(X, 3);
    const o = { maxDepth: 5, minChildWeight: 3, lambda: 0.5, learningRate: 0.3, maxDeltaStep: 0.7 };
    const ours = new GradientBoostingRegressor({ nEstimators: 3, maxDepth: 5, minChildWeight: 3, lambda: 0.5, learningRate: 0.3, loss: 'poisson' }).fit(X, y);
    const ref = refBoost(X, y, 3, o, 'poisson');
    expectSameTrees(ours.toJSON().params.trees, ref.trees, X, 9);
    const p = ours.predict(X);
    for (let i = 0; i < X.rows; i++) expect(p[i]).toBeCloseTo(ref.predictions[i], 9);
  });

  it('predicts identically in batch, single-row and pointer-walk form (deep forest)', () => {
    const { X, y } = syntheticRegression(400, 5, 9, 0.3, 0.1);
    const rf = new RandomForestRegressor({ nEstimators: 5, maxDepth: 20, seed: 3 }).fit(X, y);
    const gbm = new GradientBoostingRegressor({ nEstimators: 20, maxDepth: 5, seed: 3 }).fit(X, y);
    for (const m of [rf, gbm]) {
      const batch = m.predict(X);
      const row = new Float64Array(X.cols);
      for (let r = 0; r < X.rows; r += 7) {
        for (let c = 0; c < X.cols; c++) row[c] = X.values[c * X.rows + r];
        expect(m.predictRow(row)).toBeCloseTo(batch[r], 10);
      }
    }
  });
});

describe('packed integer gradients', () => {
  /** The clear histogram: per feature and bin, the plain sums of gradient and hessian. */
  function plainHistogram(data: BinnedMatrix, grad: Float64Array, hess: Float64Array, rows: number[]): Float64Array {
    const hist = new Float64Array(data.offsets[data.cols]);
    for (const r of rows) {
      for (let f = 0; f < data.cols; f++) {
        const k = data.offsets[f] + 2 * data.bins[r * data.cols + f];
        hist[k] += grad[r];
        hist[k + 1] += hess[r];
      }
    }
    return hist;
  }

  const { X, y } = syntheticRegression(3000, 5, 21, 0.5, 0.1);
  const data = binMatrix(X, fitBinMapper(X, 64));
  const grad = y.map((v) => 0.25 - v);
  // Integer hessians as a bootstrap gives them (0 = not drawn), and rows listed with duplicates.
  const hess = Float64Array.from({ length: X.rows }, (_, r) => (r * 7) % 4);
  const idx = Int32Array.from({ length: X.rows }, (_, r) => r);

  it('decodes to the exact hessian sums and gradient sums within the quantisation step', () => {
    const packed = new Float64Array(X.rows);
    const packing = packGradients(grad, hess, idx, X.rows, packed);
    expect(packing).not.toBeNull();
    if (packing === null) return;
    const hist = new Float64Array(data.offsets[data.cols] / 2);
    buildPackedHistogram(data.binIndex, data.cols, packed, idx, 0, X.rows, 0, data.cols, hist);
    const decoded = new Float64Array(data.offsets[data.cols]);
    unpackHistogram(hist, packing, decoded);
    const plain = plainHistogram(data, grad, hess, Array.from(idx));
    for (let k = 0; k < plain.length; k += 2) expect(decoded[k + 1]).toBe(plain[k + 1]);
    // Each row's gradient is off by at most half a step (1 / scale).
    const tolerance = (X.rows * 0.5) / packing.scale;
    for (let k = 0; k < plain.length; k += 2) expect(Math.abs(decoded[k] - plain[k])).toBeLessThanOrEqual(tolerance);
    let absSum = 0;
    for (const g of grad) absSum += Math.abs(g);
    expect(tolerance).toBeLessThan(1e-7 * absSum);
  });

  it('subtracts siblings exactly and builds the same histogram on any split of the features', () => {
    const packed = new Float64Array(X.rows);
    const packing = packGradients(grad, hess, idx, X.rows, packed);
    if (packing === null) throw new Error('expected packing');
    const size = data.offsets[data.cols] / 2;
    const parent = new Float64Array(size);
    const left = new Float64Array(size);
    const right = new Float64Array(size);
    buildPackedHistogram(data.binIndex, data.cols, packed, idx, 0, X.rows, 0, data.cols, parent);
    buildPackedHistogram(data.binIndex, data.cols, packed, idx, 0, 1234, 0, data.cols, left);
    // The right part built in two feature ranges, as two threads would.
    buildPackedHistogram(data.binIndex, data.cols, packed, idx, 1234, X.rows, 0, 2, right);
    buildPackedHistogram(data.binIndex, data.cols, packed, idx, 1234, X.rows, 2, data.cols, right);
    subtractHistogram(parent, left);
    expect(Array.from(parent)).toEqual(Array.from(right));
  });

  it('builds the same histogram from the sparse form, whole or cut in row ranges', () => {
    const { X: Xs } = sparseTable(2000, 4);
    const sparse = binMatrix(Xs, fitBinMapper(Xs, 64));
    expect(sparse.rowStart.length).toBe(Xs.rows + 1);
    expect(sparse.sparseIndex.length).toBeLessThan(0.75 * Xs.rows * Xs.cols);
    const rowsList = Int32Array.from({ length: Xs.rows }, (_, r) => r).filter((r) => r % 3 !== 1);
    const h = Float64Array.from({ length: Xs.rows }, (_, r) => 1 + (r % 2));
    const g = Float64Array.from({ length: Xs.rows }, (_, r) => Math.sin(r));
    const packed = new Float64Array(Xs.rows);
    if (packGradients(g, h, rowsList, rowsList.length, packed) === null) throw new Error('expected packing');
    const size = sparse.offsets[sparse.cols] / 2;
    const dense = new Float64Array(size + 1);
    buildPackedHistogram(sparse.binIndex, sparse.cols, packed, rowsList, 0, rowsList.length, 0, sparse.cols, dense);
    const whole = new Float64Array(size + 1);
    buildSparsePackedHistogram(sparse.sparseIndex, sparse.rowStart, packed, rowsList, 0, rowsList.length, whole);
    fillDefaultBins(whole, sparse.offsets, sparse.cols, sparse.defaultBin);
    // Two row ranges summed, as two threads give.
    const a = new Float64Array(size + 1);
    const b = new Float64Array(size + 1);
    buildSparsePackedHistogram(sparse.sparseIndex, sparse.rowStart, packed, rowsList, 0, 500, a);
    buildSparsePackedHistogram(sparse.sparseIndex, sparse.rowStart, packed, rowsList, 500, rowsList.length, b);
    for (let k = 0; k <= size; k++) a[k] += b[k];
    fillDefaultBins(a, sparse.offsets, sparse.cols, sparse.defaultBin);
    expect(Array.from(whole.subarray(0, size))).toEqual(Array.from(dense.subarray(0, size)));
    expect(Array.from(a)).toEqual(Array.from(whole));
    // A dense table gets no sparse form.
    expect(data.rowStart.length).toBe(0);
  });

  it('quantises non-integer hessians, refuses negative ones, and keeps the reference-identical trees for squared loss', () => {
    const out = new Float64Array(X.rows);
    expect(packGradients(grad, hess.map((h) => -h), idx, X.rows, out)).toBeNull();
    expect(packGradients(grad, hess.map((h) => (h > 0 ? Number.NaN : h)), idx, X.rows, out)).toBeNull();
    // Non-integer hessians: quantised, each packed bin decoding to the quantised sums.
    const fractional = hess.map((h, i) => h + 0.25 + (i % 7) / 10);
    const q = packGradients(grad, fractional, idx, X.rows, out);
    if (q === null) throw new Error('expected packing with quantised hessians');
    expect(q.hessScale).not.toBe(1);
    let exact = 0;
    let quantised = 0;
    for (let r = 0; r < X.rows; r++) {
      exact += fractional[r];
      const hq = Math.round(out[r] / q.unit);
      expect(Math.abs(hq / q.hessScale - fractional[r])).toBeLessThanOrEqual(0.5 / q.hessScale);
      quantised += hq;
    }
    expect(q.hessSum).toBeCloseTo(quantised / q.hessScale, 9);
    expect(Math.abs(q.hessSum - exact) / exact).toBeLessThan(1e-4);
    // Integer hessians are packed exactly.
    expect(packGradients(grad, hess, idx, X.rows, out)?.hessScale).toBe(1);
    // Duplicated rows count twice in the sums.
    const dup = Int32Array.from([0, 0, 1]);
    const p = packGradients(grad, Float64Array.of(1, 1), dup, 3, out);
    if (p === null) throw new Error('expected packing');
    expect(p.quantSum).toBe(2 * Math.round(grad[0] * p.scale) + Math.round(grad[1] * p.scale));
    // Squared loss packs (integer hessians) and its trees are still the reference's: the same
    // leaves, with values from the exact sums (with and without the sparse form).
    for (const table of [syntheticRegression(150, 4, 3, 0.3, 0.1), sparseTable(160, 11)]) {
      const { kernels, calls } = countingKernels();
      const ours = new GradientBoostingRegressor({ nEstimators: 3, maxDepth: 4, learningRate: 0.5, lambda: 1 }, { kernels }).fit(table.X, table.y);
      expect(calls.pairs).toBe(0);
      expect(calls.packed + calls.sparsePacked).toBeGreaterThan(3);
      const ref = refBoost(table.X, table.y, 3, { maxDepth: 4, minChildWeight: 1, lambda: 1, learningRate: 0.5 });
      expectSameTrees(ours.toJSON().params.trees, ref.trees, table.X, 12);
    }
  });
});

describe('row partition', () => {
  const rows = 997;
  const columns = Uint8Array.from({ length: 2 * rows }, (_, i) => (i * 37) % 11);
  /** The clear version: filter left rows then right rows, both in their original order. */
  function reference(ids: number[], colBase: number, bin: number, missingLeft: number): number[] {
    const left = (r: number) => columns[colBase + r] <= bin || columns[colBase + r] === missingLeft;
    return [...ids.filter(left), ...ids.filter((r) => !left(r))];
  }

  it('is the stable filter order, in one pass or cut in two chunks (as with a worker)', () => {
    const ids = Array.from({ length: rows }, (_, i) => i).filter((r) => r % 3 !== 0);
    for (const chunked of [false, true]) {
      let pending: () => number = () => -1;
      const partitioner: ChunkPartitioner | null = chunked
        ? {
            minRows: 1,
            start(cols, colBase, bin, missingLeft, idx, scratch, from, to) {
              pending = () => partitionChunkApart(cols, colBase, bin, missingLeft, idx, scratch, from, to);
              return true;
            },
            finish: () => pending(),
          }
        : null;
      for (const [colBase, bin, missingLeft] of [[0, 4, -1], [rows, 0, 10], [rows, 10, -1], [0, -1, 3]]) {
        const idx = Int32Array.from([7, ...ids]);
        const scratch = new Int32Array(idx.length);
        const mid = partitionRows(columns, colBase, bin, missingLeft, idx, scratch, 1, idx.length, partitioner);
        const expected = reference(ids, colBase, bin, missingLeft);
        expect(Array.from(idx.subarray(1))).toEqual(expected);
        expect(idx[0]).toBe(7);
        const lefts = ids.filter((r) => columns[colBase + r] <= bin || columns[colBase + r] === missingLeft).length;
        expect(mid).toBe(1 + lefts);
      }
    }
  });
});
