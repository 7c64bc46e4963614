import { describe, expect, it } from 'vitest';
import { RandomForestRegression } from 'ml-random-forest';
import { GradientBoostingRegressor } from '@/ml/trees/gradient-boosting';
import { RandomForestRegressor } from '@/ml/trees/random-forest';
import { createMatrix, selectRows } from '@/ml/matrix';
import { createRandom } from '@/ml/random';
import { rSquared, snapshot, syntheticRegression } from './helpers';

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, i) => a + i);
}

describe('GradientBoostingRegressor', () => {
  const { X, y } = syntheticRegression(3000, 6, 11, 0.3);
  const train = range(0, 2400);
  const test = range(2400, 3000);
  const Xtr = selectRows(X, train);
  const ytr = y.slice(0, 2400);
  const Xte = selectRows(X, test);
  const yte = y.slice(2400);

  it('fits y = 3 x1 - 2 x2 + sin(2 x3) + noise well on held-out rows', () => {
    const m = new GradientBoostingRegressor({ nEstimators: 200, maxDepth: 4, learningRate: 0.1 }).fit(Xtr, ytr);
    expect(rSquared(yte, m.predict(Xte))).toBeGreaterThan(0.95);
  });

  it('gives the identical model JSON for the same seed, with subsampling on', () => {
    const opts = { nEstimators: 20, subsample: 0.7, colsample: 0.5, seed: 7 };
    const a = JSON.stringify(new GradientBoostingRegressor(opts).fit(Xtr, ytr));
    const b = JSON.stringify(new GradientBoostingRegressor(opts).fit(Xtr, ytr));
    const c = JSON.stringify(new GradientBoostingRegressor({ ...opts, seed: 8 }).fit(Xtr, ytr));
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('predicts identically after a JSON round trip', () => {
    const m = new GradientBoostingRegressor({ nEstimators: 30, maxDepth: 5 }).fit(Xtr, ytr);
    const back = GradientBoostingRegressor.fromJSON(JSON.parse(JSON.stringify(m)));
    expect(Array.from(back.predict(Xte))).toEqual(Array.from(m.predict(Xte)));
    expect(back.toJSON()).toEqual(m.toJSON());
  });

  it('rejects JSON of another kind or version', () => {
    const json = new GradientBoostingRegressor({ nEstimators: 2 }).fit(Xtr, ytr).toJSON();
    expect(() => GradientBoostingRegressor.fromJSON({ ...json, kind: 'RandomForestRegressor' })).toThrow(/kind/);
    expect(() => GradientBoostingRegressor.fromJSON({ ...json, schemaVersion: 99 })).toThrow(/schemaVersion/);
    expect(() => GradientBoostingRegressor.fromJSON({ ...json, params: { trees: 'x' } })).toThrow();
  });

  it('does not modify its inputs', () => {
    const before = snapshot(Xtr, ytr);
    const vBefore = snapshot(Xte, yte);
    const m = new GradientBoostingRegressor({ nEstimators: 5, subsample: 0.5 }).fit(Xtr, ytr, { validation: { X: Xte, y: yte } });
    m.predict(Xte);
    expect(Xtr.values).toEqual(before.values);
    expect(ytr).toEqual(before.y);
    expect(Xte.values).toEqual(vBefore.values);
    expect(yte).toEqual(vBefore.y);
  });

  it('stops early on a validation window and keeps the best round', () => {
    const m = new GradientBoostingRegressor({ nEstimators: 2000, learningRate: 0.3, maxDepth: 6, earlyStoppingRounds: 5 }).fit(Xtr, ytr, {
      validation: { X: Xte, y: yte },
    });
    const losses = m.validationLoss;
    expect(losses.length).toBeLessThan(2000);
    const best = Math.min(...losses);
    expect(losses.indexOf(best)).toBe(m.treeCount - 1);
    expect(losses.length - m.treeCount).toBe(5);
  });

  it('fits counts with the poisson loss (log link, positive predictions)', () => {
    const rng = createRandom(5);
    const n = 2000;
    const Xp = createMatrix(n, ['a', 'b']);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      Xp.values[i] = rng.next();
      Xp.values[n + i] = rng.next();
      const mu = Math.exp(0.5 + 1.5 * Xp.values[i] - Xp.values[n + i]);
      // Poisson draw by inversion.
      let k = 0;
      let p = Math.exp(-mu);
      let s = p;
      const u = rng.next();
      while (u > s) {
        k++;
        p *= mu / k;
        s += p;
      }
      y[i] = k;
    }
    const m = new GradientBoostingRegressor({ loss: 'poisson', nEstimators: 150, maxDepth: 3 }).fit(Xp, y);
    const pred = m.predict(Xp);
    let sumP = 0;
    let sumY = 0;
    for (let i = 0; i < n; i++) {
      expect(pred[i]).toBeGreaterThan(0);
      sumP += pred[i];
      sumY += y[i];
    }
    expect(Math.abs(sumP / sumY - 1)).toBeLessThan(0.05);
    const truth = Array.from({ length: n }, (_, i) => Math.exp(0.5 + 1.5 * Xp.values[i] - Xp.values[n + i]));
    expect(rSquared(truth, pred)).toBeGreaterThan(0.8);
    expect(() => new GradientBoostingRegressor({ loss: 'poisson' }).fit(Xp, y.map((v) => v - 1))).toThrow(RangeError);
  });

  it('rejects bad options with a RangeError naming the option', () => {
    expect(() => new GradientBoostingRegressor({ learningRate: 0 })).toThrow(/learningRate/);
    expect(() => new GradientBoostingRegressor({ nEstimators: 1.5 })).toThrow(RangeError);
    expect(() => new GradientBoostingRegressor({ maxBins: 300 })).toThrow(/maxBins/);
    expect(() => new GradientBoostingRegressor({ subsample: 1.2 })).toThrow(/subsample/);
    expect(() => new GradientBoostingRegressor({ loss: 'huber' as 'squared' })).toThrow(/loss/);
    expect(() => new GradientBoostingRegressor({ lambda: -1 })).toThrow(/lambda/);
    expect(() => new GradientBoostingRegressor({ maxLeaves: 1 })).toThrow(/maxLeaves/);
    expect(() => new GradientBoostingRegressor({ nope: 1 } as unknown as { seed: number })).toThrow(/nope/);
    expect(() => new GradientBoostingRegressor({ toString: 1 } as unknown as { seed: number })).toThrow(/toString/);
    expect(Object.isFrozen(GradientBoostingRegressor.DEFAULT_OPTIONS)).toBe(true);
  });

  it('rejects bad data', () => {
    const m = new GradientBoostingRegressor();
    expect(() => m.fit(Xtr, ytr.slice(1))).toThrow(RangeError);
    expect(() => m.fit(createMatrix(0, ['a']), new Float64Array(0))).toThrow(RangeError);
    expect(() => m.predict(Xte)).toThrow(/not fitted/);
  });

  it('grows leaf-wise up to maxLeaves', () => {
    const m = new GradientBoostingRegressor({ nEstimators: 3, maxDepth: 10, maxLeaves: 5 }).fit(Xtr, ytr);
    for (const t of m.toJSON().params.trees) expect(t.feature.filter((f) => f < 0).length).toBeLessThanOrEqual(5);
  });
});

describe('RandomForestRegressor', () => {
  it('is within 0.02 R² of ml-random-forest on small data', () => {
    const { X, y } = syntheticRegression(300, 3, 21, 0.5);
    const train = range(0, 200);
    const test = range(200, 300);
    const Xtr = selectRows(X, train);
    const Xte = selectRows(X, test);
    const ytr = y.slice(0, 200);
    const yte = y.slice(200);
    const rowsOf = (m: typeof X) => Array.from({ length: m.rows }, (_, r) => Array.from({ length: m.cols }, (_, c) => m.values[c * m.rows + r]));
    const theirs = new RandomForestRegression({ nEstimators: 30, seed: 3, maxFeatures: 1.0, replacement: false, useSampleBagging: true });
    theirs.train(rowsOf(Xtr), Array.from(ytr));
    const r2Theirs = rSquared(yte, theirs.predict(rowsOf(Xte)));
    const ours = new RandomForestRegressor({ nEstimators: 30, seed: 3, minSamplesLeaf: 1 }).fit(Xtr, ytr);
    const r2Ours = rSquared(yte, ours.predict(Xte));
    expect(r2Theirs).toBeGreaterThan(0.7);
    expect(Math.abs(r2Ours - r2Theirs)).toBeLessThan(0.02);
  });

  const { X, y } = syntheticRegression(1500, 5, 13, 0.3, 0.05);

  it('gives the identical model JSON for the same seed', () => {
    const opts = { nEstimators: 10, maxFeatures: 0.4, seed: 5 };
    expect(JSON.stringify(new RandomForestRegressor(opts).fit(X, y))).toBe(JSON.stringify(new RandomForestRegressor(opts).fit(X, y)));
    expect(JSON.stringify(new RandomForestRegressor(opts).fit(X, y))).not.toBe(
      JSON.stringify(new RandomForestRegressor({ ...opts, seed: 6 }).fit(X, y)),
    );
  });

  it('predicts identically after a JSON round trip and leaves inputs untouched', () => {
    const before = snapshot(X, y);
    const m = new RandomForestRegressor({ nEstimators: 10, maxDepth: 10 }).fit(X, y);
    const back = RandomForestRegressor.fromJSON(JSON.parse(JSON.stringify(m)));
    expect(Array.from(back.predict(X))).toEqual(Array.from(m.predict(X)));
    expect(X.values).toEqual(before.values);
    expect(y).toEqual(before.y);
    expect(() => RandomForestRegressor.fromJSON({ ...m.toJSON(), kind: 'GradientBoostingRegressor' })).toThrow(/kind/);
  });

  it('averages trees: a forest of unbootstrapped full-feature trees equals one tree', () => {
    const one = new RandomForestRegressor({ nEstimators: 1, bootstrap: false, maxDepth: 6 }).fit(X, y).predict(X);
    const many = new RandomForestRegressor({ nEstimators: 4, bootstrap: false, maxDepth: 6 }).fit(X, y).predict(X);
    for (let i = 0; i < X.rows; i++) expect(many[i]).toBeCloseTo(one[i], 9);
  });

  it('fits well with per-split feature sampling (sampled-histogram mode)', () => {
    const { X: X2, y: y2 } = syntheticRegression(2500, 6, 17, 0.3);
    const Xtr = selectRows(X2, range(0, 2000));
    const Xte = selectRows(X2, range(2000, 2500));
    const m = new RandomForestRegressor({ nEstimators: 30, maxFeatures: 0.34, seed: 2 }).fit(Xtr, y2.slice(0, 2000));
    expect(rSquared(y2.slice(2000), m.predict(Xte))).toBeGreaterThan(0.85);
  });

  it('rejects bad options', () => {
    expect(() => new RandomForestRegressor({ maxFeatures: 0 })).toThrow(/maxFeatures/);
    expect(() => new RandomForestRegressor({ minSamplesLeaf: 0 })).toThrow(/minSamplesLeaf/);
    expect(() => new RandomForestRegressor({ bootstrap: 'yes' as unknown as boolean })).toThrow(/bootstrap/);
    expect(() => new RandomForestRegressor({ maxDepth: 100 })).toThrow(/maxDepth/);
  });
});
