import { describe, expect, it } from 'vitest';
import { binMatrix, fitBinMapper, type BinnedMatrix } from '@/ml/trees/binning';
import {
  buildFeatureHistogram,
  buildHistogram,
  buildHistogramFeatures,
  buildPackedHistogram,
  buildSparsePackedHistogram,
  fillDefaultBins,
  packGradients,
  unpackHistogram,
  type GradientPacking,
} from '@/ml/trees/histogram';
import { SERIAL_KERNELS } from '@/ml/trees/kernels';
import { partitionChunk, partitionChunkApart } from '@/ml/trees/partition';
import { emptySplit, findBestPackedSplit, findBestSplit, SCAN_PARAMS, SCAN_SLOTS, scanPackedSplits, type SplitChoice, type SplitRules } from '@/ml/trees/split';
import { createMatrix } from '@/ml/matrix';
import { createRandom, type Random } from '@/ml/random';

/**
 * The hot kernels against brute force on random data: the clear versions below recompute every
 * sum from the rows (or every child's sums from the bins) and must give the same numbers, bit for
 * bit where the kernels promise the same order of additions.
 */

/**
 * A random table: continuous, few-valued, mostly-zero and missing-heavy columns, binned. With
 * `copies`, the last columns repeat columns 0 and 3 (no missing values, many): every score of a
 * copy ties with its original's, and the tie must go to the original.
 */
function randomBinned(rng: Random, rows: number, cols: number, maxBins = 32, copies = false): BinnedMatrix {
  const sources = copies ? [0, 3].filter((c) => c < cols) : [];
  const X = createMatrix(rows, Array.from({ length: cols + sources.length }, (_, c) => `x${c}`));
  for (let c = 0; c < cols; c++) {
    const kind = c % 4;
    for (let r = 0; r < rows; r++) {
      let v: number;
      if (kind === 0) v = rng.normal();
      else if (kind === 1) v = rng.int(5);
      else if (kind === 2) v = rng.next() < 0.8 ? 0 : rng.int(7) + 1;
      else v = rng.next() < 0.3 ? Number.NaN : rng.normal();
      X.values[c * rows + r] = v;
    }
  }
  sources.forEach((src, k) => X.values.copyWithin((cols + k) * rows, src * rows, (src + 1) * rows));
  return binMatrix(X, fitBinMapper(X, maxBins));
}

/** Rows of a node: a random subset in ascending order, some listed twice (as a bootstrap may). */
function randomRows(rng: Random, rows: number): Int32Array {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    if (rng.next() < 0.6) out.push(r);
    if (rng.next() < 0.05) out.push(r);
  }
  return Int32Array.from(out);
}

/** The clear histogram of features `features`: per row in list order, its bin's sums. */
function bruteHistogram(data: BinnedMatrix, grad: Float64Array, hess: Float64Array, rows: Int32Array, features: readonly number[]): Float64Array {
  const hist = new Float64Array(data.offsets[data.cols]);
  for (const r of rows) {
    for (const f of features) {
      const k = data.offsets[f] + 2 * data.bins[r * data.cols + f];
      hist[k] += grad[r];
      hist[k + 1] += hess[r];
    }
  }
  return hist;
}

function interleave(grad: Float64Array, hess: Float64Array): Float64Array {
  const gh = new Float64Array(2 * grad.length);
  for (let r = 0; r < grad.length; r++) {
    gh[2 * r] = grad[r];
    gh[2 * r + 1] = hess[r];
  }
  return gh;
}

/** True when features f and g have the same bin in every row. */
function sameColumn(data: BinnedMatrix, f: number, g: number): boolean {
  const { rows, columns } = data;
  for (let r = 0; r < rows; r++) if (columns[f * rows + r] !== columns[g * rows + r]) return false;
  return true;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('histogram kernels against brute force', () => {
  const rng = createRandom(17);
  const cases = Array.from({ length: 6 }, (_, t) => {
    const rows = 150 + 97 * t;
    const data = randomBinned(rng, rows, 3 + t);
    const grad = Float64Array.from({ length: rows }, () => rng.normal());
    // Non-integer hessians, as Poisson's: the pair layout.
    const hess = Float64Array.from({ length: rows }, () => 0.05 + rng.next() * 3);
    return { data, grad, hess, idx: randomRows(rng, rows) };
  });

  it('buildHistogram sums every row into its bins in row order (the same doubles)', () => {
    for (const { data, grad, hess, idx } of cases) {
      const hist = new Float64Array(data.offsets[data.cols]);
      buildHistogram(data.binIndex, data.cols, interleave(grad, hess), idx, 0, idx.length, hist);
      expect(Array.from(hist)).toEqual(Array.from(bruteHistogram(data, grad, hess, idx, range(data.cols))));
      // A sub-range of the rows, as a child node's.
      const part = new Float64Array(data.offsets[data.cols]);
      const from = idx.length >> 2;
      buildHistogram(data.binIndex, data.cols, interleave(grad, hess), idx, from, idx.length - 3, part);
      expect(Array.from(part)).toEqual(Array.from(bruteHistogram(data, grad, hess, idx.subarray(from, idx.length - 3), range(data.cols))));
    }
  });

  it('buildHistogramFeatures on feature ranges fills exactly those features, as threads would', () => {
    for (const { data, grad, hess, idx } of cases) {
      const gh = interleave(grad, hess);
      const hist = new Float64Array(data.offsets[data.cols]);
      const cut = data.cols >> 1;
      buildHistogramFeatures(data.binIndex, data.cols, gh, idx, 0, idx.length, 0, cut, hist);
      expect(Array.from(hist)).toEqual(Array.from(bruteHistogram(data, grad, hess, idx, range(cut))));
      buildHistogramFeatures(data.binIndex, data.cols, gh, idx, 0, idx.length, cut, data.cols, hist);
      expect(Array.from(hist)).toEqual(Array.from(bruteHistogram(data, grad, hess, idx, range(data.cols))));
    }
  });

  it('buildFeatureHistogram builds the listed features only, zeroing their slices first', () => {
    for (const { data, grad, hess, idx } of cases) {
      const features = Int32Array.from(range(data.cols).filter((f) => f % 2 === 1 || f === data.cols - 1));
      const hist = new Float64Array(data.offsets[data.cols]).fill(7.5);
      buildFeatureHistogram(data.binIndex, data.cols, data.offsets, interleave(grad, hess), idx, 0, idx.length, features, 0, features.length, hist);
      const brute = bruteHistogram(data, grad, hess, idx, Array.from(features));
      for (let f = 0; f < data.cols; f++) {
        const slice = Array.from(hist.subarray(data.offsets[f], data.offsets[f + 1]));
        if (features.includes(f)) expect(slice).toEqual(Array.from(brute.subarray(data.offsets[f], data.offsets[f + 1])));
        else expect(slice.every((v) => v === 7.5)).toBe(true);
      }
    }
  });

  it('packed and sparse packed histograms equal the brute-force integer sums, whole or cut by rows', () => {
    for (let t = 0; t < 5; t++) {
      const rows = 300 + 211 * t;
      const data = randomBinned(rng, rows, 4 + t, 20);
      const grad = Float64Array.from({ length: rows }, () => rng.normal() * 3);
      const hess = Float64Array.from({ length: rows }, () => rng.int(4));
      const idx = randomRows(rng, rows);
      const packed = new Float64Array(rows);
      const packing = packGradients(grad, hess, idx, idx.length, packed);
      if (packing === null) throw new Error('integer hessians must pack');
      const size = data.offsets[data.cols] / 2;
      const brute = new Float64Array(size + 1);
      for (const r of idx) for (let f = 0; f < data.cols; f++) brute[data.binIndex[r * data.cols + f]] += packed[r];
      const dense = new Float64Array(size + 1);
      buildPackedHistogram(data.binIndex, data.cols, packed, idx, 0, idx.length, 0, data.cols, dense);
      expect(Array.from(dense)).toEqual(Array.from(brute));
      // Decoded, the hessian sums are the exact per-bin hessian sums.
      const decoded = new Float64Array(2 * size);
      unpackHistogram(dense.subarray(0, size), packing, decoded);
      const plain = bruteHistogram(data, grad, hess, idx, range(data.cols));
      for (let k = 1; k < plain.length; k += 2) expect(decoded[k]).toBe(plain[k]);
      if (data.rowStart.length === 0) continue;
      // The sparse form, in two row ranges added together (as two threads give), then defaults filled.
      const a = new Float64Array(size + 1);
      const b = new Float64Array(size + 1);
      const cut = Math.floor(idx.length / 3);
      buildSparsePackedHistogram(data.sparseIndex, data.rowStart, packed, idx, 0, cut, a);
      buildSparsePackedHistogram(data.sparseIndex, data.rowStart, packed, idx, cut, idx.length, b);
      for (let k = 0; k <= size; k++) a[k] += b[k];
      fillDefaultBins(a, data.offsets, data.cols, data.defaultBin);
      expect(Array.from(a.subarray(0, size))).toEqual(Array.from(brute.subarray(0, size)));
    }
  });

  it('the random tables exercise the sparse form', () => {
    const data = randomBinned(createRandom(5), 400, 8);
    expect(data.rowStart.length).toBe(401);
    expect(data.sparseIndex.length).toBeLessThan(400 * 8);
  });
});

/**
 * The clear split search: for every candidate feature and bin, the left child's sums recomputed
 * from the bins (empty bins skipped: they repeat the previous partition), missing values tried
 * right then left, the first best kept.
 */
function bruteSplit(hist: Float64Array, data: BinnedMatrix, features: readonly number[], G: number, H: number, rules: SplitRules): SplitChoice {
  const { lambda, minChildWeight, minSplitGain } = rules;
  const empty = 1e-9 * H;
  const minHess = Math.max(minChildWeight, empty);
  const parent = (G * G) / (H + lambda);
  let best = { score: Number.NEGATIVE_INFINITY, feature: -1, bin: 0, defaultLeft: false, gl: 0, hl: 0 };
  const consider = (score: number, feature: number, bin: number, defaultLeft: boolean, gl: number, hl: number) => {
    if (score > best.score) best = { score, feature, bin, defaultLeft, gl, hl };
  };
  for (const f of features) {
    const off = data.offsets[f];
    const nb = data.valueBins[f];
    const gMiss = hist[off + 2 * nb];
    const hMiss = hist[off + 2 * nb + 1];
    for (let b = 0; b < nb - 1; b++) {
      if (hist[off + 2 * b + 1] <= empty) continue;
      let gl = 0;
      let hl = 0;
      for (let k = 0; k <= b; k++) {
        if (hist[off + 2 * k + 1] <= empty) continue;
        gl += hist[off + 2 * k];
        hl += hist[off + 2 * k + 1];
      }
      const sides = hMiss <= empty ? [null] : [false, true];
      for (const missLeft of sides) {
        const g = missLeft ? gl + gMiss : gl;
        const h = missLeft ? hl + hMiss : hl;
        if (h < minHess || H - h < minHess) continue;
        const score = (g * g) / (h + lambda) + ((G - g) * (G - g)) / (H - h + lambda);
        consider(score, f, b, missLeft ?? h >= H - h, g, h);
      }
    }
  }
  const gain = 0.5 * (best.score - parent);
  const out = emptySplit();
  if (best.feature >= 0 && gain > Math.max(minSplitGain, 1e-12 * (Math.abs(parent) + 1))) {
    Object.assign(out, { gain, feature: best.feature, bin: best.bin, defaultLeft: best.defaultLeft, gradLeft: best.gl, hessLeft: best.hl });
  }
  return out;
}

/**
 * The clear packed split search: bruteSplit on the integer sums of a packed histogram (in
 * quantisation steps), every child's sums decoded from its own integer sums, the right child's
 * being the node's minus the left's.
 */
function brutePackedSplit(hist: Float64Array, data: BinnedMatrix, features: readonly number[], packing: GradientPacking, rules: SplitRules): SplitChoice {
  const { lambda, minChildWeight, minSplitGain } = rules;
  const { unit } = packing;
  const invScale = 1 / packing.scale;
  const invHessScale = 1 / packing.hessScale;
  const Q = packing.quantSum;
  const HQ = packing.hessQuantSum;
  const G = Q * invScale;
  const H = HQ * invHessScale;
  const empty = 1e-9 * H;
  const minHess = Math.max(minChildWeight, empty);
  const parent = (G * G) / (H + lambda);
  const steps = (v: number) => {
    const hq = Math.round(v / unit);
    return { q: v - hq * unit, hq };
  };
  let best = { score: Number.NEGATIVE_INFINITY, feature: -1, bin: 0, defaultLeft: false, ql: 0, hql: 0 };
  for (const f of features) {
    const off = data.offsets[f] / 2;
    const nb = data.valueBins[f];
    const miss = steps(hist[off + nb]);
    for (let b = 0; b < nb - 1; b++) {
      if (steps(hist[off + b]).hq * invHessScale <= empty) continue;
      let ql = 0;
      let hql = 0;
      for (let k = 0; k <= b; k++) {
        const { q, hq } = steps(hist[off + k]);
        if (hq * invHessScale <= empty) continue;
        ql += q;
        hql += hq;
      }
      const sides = miss.hq * invHessScale <= empty ? [null] : [false, true];
      for (const missLeft of sides) {
        const q = missLeft ? ql + miss.q : ql;
        const hq = missLeft ? hql + miss.hq : hql;
        const hl = hq * invHessScale;
        const hr = (HQ - hq) * invHessScale;
        if (hl < minHess || hr < minHess) continue;
        const gl = q * invScale;
        const gr = (Q - q) * invScale;
        const score = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda);
        if (score > best.score) best = { score, feature: f, bin: b, defaultLeft: missLeft ?? hl >= hr, ql: q, hql: hq };
      }
    }
  }
  const gain = 0.5 * (best.score - parent);
  const out = emptySplit();
  if (best.feature >= 0 && gain > Math.max(minSplitGain, 1e-12 * (Math.abs(parent) + 1))) {
    Object.assign(out, {
      gain,
      feature: best.feature,
      bin: best.bin,
      defaultLeft: best.defaultLeft,
      gradLeft: best.ql * invScale,
      hessLeft: best.hql * invHessScale,
      gradStepsLeft: best.ql,
      hessStepsLeft: best.hql,
    });
  }
  return out;
}

describe('split scans against brute force', () => {
  const rules: SplitRules[] = [
    { lambda: 1, minChildWeight: 1, minSplitGain: 0 },
    { lambda: 0, minChildWeight: 5, minSplitGain: 0 },
    { lambda: 3, minChildWeight: 0.5, minSplitGain: 2 },
  ];

  it('findBestSplit (pair layout) makes the brute-force choice, ties to the first feature', () => {
    const rng = createRandom(23);
    let splits = 0;
    let ties = 0;
    let drivenBy = 0;
    for (let t = 0; t < 30; t++) {
      const rows = 80 + rng.int(400);
      const data = randomBinned(rng, rows, 2 + rng.int(6), 2 + rng.int(30), true);
      // The target follows column 0 or 3 (so their copies tie for the best split).
      const driver = t % 2 === 0 || data.cols < 6 ? 0 : 3;
      const grad = Float64Array.from({ length: rows }, (_, r) => (data.bins[r * data.cols + driver] > data.valueBins[driver] / 2 ? 1 : -1) + 0.5 * rng.normal());
      const hess = Float64Array.from({ length: rows }, () => 0.1 + rng.next());
      const idx = randomRows(rng, rows);
      const all = range(data.cols);
      const hist = bruteHistogram(data, grad, hess, idx, all);
      let G = 0;
      let H = 0;
      for (const r of idx) {
        G += grad[r];
        H += hess[r];
      }
      const candidates = t % 3 === 0 ? all : all.filter((f) => f % 2 === 0 || f === data.cols - 1);
      for (const rule of rules) {
        const out = emptySplit();
        findBestSplit(hist, data.offsets, data.valueBins, Int32Array.from(candidates), candidates.length, G, H, rule, out);
        const brute = bruteSplit(hist, data, candidates, G, H, rule);
        expect(out).toEqual(brute);
        if (out.feature >= 0) splits++;
        if (out.feature >= 0 && out.feature === driver) drivenBy++;
        // A chosen feature never has an identical earlier candidate (that one ties and comes first).
        if (candidates.some((g) => g < out.feature && sameColumn(data, g, out.feature))) ties++;
      }
    }
    expect(splits).toBeGreaterThan(40);
    // The copies' originals were the best many times, and the tie went to the original each time.
    expect(drivenBy).toBeGreaterThan(20);
    expect(ties).toBe(0);
  });

  it('breaks exact ties by feature, then bin, then missing right before left', () => {
    // Two identical features: every score is tied between them.
    const rng = createRandom(29);
    const rows = 300;
    const X = createMatrix(rows, ['a', 'b']);
    for (let r = 0; r < rows; r++) X.values[r] = X.values[rows + r] = r % 9 === 0 ? Number.NaN : rng.int(6);
    const data = binMatrix(X, fitBinMapper(X, 16));
    const grad = Float64Array.from({ length: rows }, (_, r) => (X.values[r] > 2 ? 1 : -1) + 0.01 * rng.normal());
    const hess = new Float64Array(rows).fill(1);
    const idx = Int32Array.from(range(rows));
    const hist = bruteHistogram(data, grad, hess, idx, [0, 1]);
    let G = 0;
    for (const g of grad) G += g;
    const out = emptySplit();
    findBestSplit(hist, data.offsets, data.valueBins, Int32Array.of(0, 1), 2, G, rows, rules[0], out);
    expect(out.feature).toBe(0);
    expect(out).toEqual(bruteSplit(hist, data, [0, 1], G, rows, rules[0]));
  });

  it('the packed scan makes the brute-force choice on the integer sums, the unpacked choice, and split ranges merge to the single scan', () => {
    const rng = createRandom(31);
    let splits = 0;
    for (let t = 0; t < 30; t++) {
      const rows = 100 + rng.int(500);
      const data = randomBinned(rng, rows, 2 + rng.int(7), 2 + rng.int(40));
      const grad = Float64Array.from({ length: rows }, () => rng.normal());
      // Integer hessians (packed as they are) and, every third table, Poisson-like ones (quantised).
      const hess = Float64Array.from({ length: rows }, () => (t % 3 === 2 ? 0.05 + 3 * rng.next() : rng.int(3)));
      const idx = randomRows(rng, rows);
      const packed = new Float64Array(rows);
      const packing = packGradients(grad, hess, idx, idx.length, packed);
      if (packing === null) throw new Error('these hessians must pack');
      expect(packing.hessScale === 1).toBe(t % 3 !== 2);
      const size = data.offsets[data.cols] / 2;
      const hist = new Float64Array(size + 1);
      buildPackedHistogram(data.binIndex, data.cols, packed, idx, 0, idx.length, 0, data.cols, hist);
      const decoded = new Float64Array(2 * size);
      unpackHistogram(hist.subarray(0, size), packing, decoded);
      const G = packing.quantSum / packing.scale;
      const H = packing.hessSum;
      const features = Int32Array.from(range(data.cols));
      for (const rule of rules) {
        const unpacked = emptySplit();
        findBestSplit(decoded, data.offsets, data.valueBins, features, data.cols, G, H, rule, unpacked);
        expect(unpacked).toEqual(bruteSplit(decoded, data, range(data.cols), G, H, rule));
        const out = emptySplit();
        const params = new Float64Array(SCAN_PARAMS);
        const scan = new Float64Array(SCAN_SLOTS);
        findBestPackedSplit(hist, data.offsets, data.valueBins, features, data.cols, packing.unit, 1 / packing.scale, 1 / packing.hessScale, packing.quantSum, packing.hessQuantSum, rule, params, scan, SERIAL_KERNELS.packedSplitScan, out);
        expect(out).toEqual(brutePackedSplit(hist, data, range(data.cols), packing, rule));
        // The unpacked search sums decoded doubles (rounded differently): the same split here
        // (no near ties), the same sums and gain to float noise.
        expect([out.feature, out.bin, out.defaultLeft]).toEqual([unpacked.feature, unpacked.bin, unpacked.defaultLeft]);
        if (out.feature >= 0) {
          const near = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * (Math.abs(b) + 1));
          near(out.gain, unpacked.gain);
          near(out.gradLeft, unpacked.gradLeft);
          near(out.hessLeft, unpacked.hessLeft);
          splits++;
        }
        // Cut in two feature ranges and merged ("higher score wins, ties keep the earlier range").
        if (data.cols < 2) continue;
        const cut = 1 + rng.int(data.cols - 1);
        const parts = new Float64Array(2 * SCAN_SLOTS);
        scanPackedSplits(hist, data.offsets, data.valueBins, features, 0, cut, params, parts, 0);
        scanPackedSplits(hist, data.offsets, data.valueBins, features, cut, data.cols, params, parts, SCAN_SLOTS);
        const merged = parts[SCAN_SLOTS] > parts[0] ? parts.subarray(SCAN_SLOTS) : parts.subarray(0, SCAN_SLOTS);
        expect(Array.from(merged)).toEqual(Array.from(scan));
      }
    }
    expect(splits).toBeGreaterThan(40);
  });

  it('the packed scan gives mirror-image ties (children sums swapped) to the first candidate', () => {
    // Poisson's first tree: every hessian the same non-integer, the gradients mean - y for
    // integer counts y. Feature 1 is feature 0 reversed, so each of its candidates parts the rows
    // as one of feature 0's with left and right swapped: the same score, and feature 0 must win.
    // Decoded float sums broke some of these ties to feature 1 by an ulp.
    const rng = createRandom(41);
    for (let t = 0; t < 200; t++) {
      const rows = 4 + rng.int(12);
      const X = createMatrix(rows, ['a', 'b']);
      const y = Float64Array.from({ length: rows }, () => rng.int(5));
      let mean = 0;
      for (let r = 0; r < rows; r++) {
        X.values[r] = r;
        X.values[rows + r] = rows - 1 - r;
        mean += y[r] / rows;
      }
      if (mean === Math.round(mean)) continue;
      const data = binMatrix(X, fitBinMapper(X, 255));
      const grad = y.map((v) => mean - v);
      const hess = new Float64Array(rows).fill(mean);
      const idx = Int32Array.from(range(rows));
      const packed = new Float64Array(rows);
      const packing = packGradients(grad, hess, idx, rows, packed);
      if (packing === null) throw new Error('these hessians must pack');
      const hist = new Float64Array(data.offsets[data.cols] / 2 + 1);
      buildPackedHistogram(data.binIndex, data.cols, packed, idx, 0, rows, 0, data.cols, hist);
      const rule = { lambda: rng.next(), minChildWeight: 0, minSplitGain: 0 };
      const out = emptySplit();
      findBestPackedSplit(hist, data.offsets, data.valueBins, Int32Array.of(0, 1), 2, packing.unit, 1 / packing.scale, 1 / packing.hessScale, packing.quantSum, packing.hessQuantSum, rule, new Float64Array(SCAN_PARAMS), new Float64Array(SCAN_SLOTS), SERIAL_KERNELS.packedSplitScan, out);
      if (out.feature >= 0) expect(out.feature).toBe(0);
    }
  });
});

describe('partition kernels against the stable filter', () => {
  it('partitionChunk and partitionChunkApart give the filter order (apart: right rows reversed)', () => {
    const rng = createRandom(37);
    for (let t = 0; t < 20; t++) {
      const rows = 50 + rng.int(300);
      const columns = Uint8Array.from({ length: rows }, () => rng.int(12));
      const ids = randomRows(rng, rows);
      const bin = rng.int(12) - 1;
      const missingLeft = rng.next() < 0.5 ? 11 : -1;
      const left = (r: number) => columns[r] <= bin || columns[r] === missingLeft;
      const expectedLeft = Array.from(ids).filter(left);
      const expectedRight = Array.from(ids).filter((r) => !left(r));
      const idx = Int32Array.from(ids);
      const scratch = new Int32Array(ids.length);
      const l = partitionChunk(columns, 0, bin, missingLeft, idx, scratch, 0, ids.length);
      expect(l).toBe(expectedLeft.length);
      expect(Array.from(idx.subarray(0, l))).toEqual(expectedLeft);
      expect(Array.from(scratch.subarray(0, ids.length - l))).toEqual(expectedRight);
      const idx2 = Int32Array.from(ids);
      const scratch2 = new Int32Array(ids.length);
      const l2 = partitionChunkApart(columns, 0, bin, missingLeft, idx2, scratch2, 0, ids.length);
      expect(l2).toBe(expectedLeft.length);
      expect(Array.from(idx2)).toEqual(Array.from(ids));
      expect(Array.from(scratch2.subarray(0, l2))).toEqual(expectedLeft);
      expect(Array.from(scratch2.subarray(l2)).reverse()).toEqual(expectedRight);
    }
  });
});
