import { describe, expect, it } from 'vitest';
import { fitSimplexWeights, projectOntoSimplex, WeightedEnsemble } from '@/ml/ensemble';
import { createRandom } from '@/ml/random';

describe('simplex-weighted ensemble', () => {
  it('projects onto the simplex', () => {
    expect(Array.from(projectOntoSimplex([0.5, 0.5]))).toEqual([0.5, 0.5]);
    const w = projectOntoSimplex([2, 0, -1]);
    expect(Array.from(w)).toEqual([1, 0, 0]);
    const v = projectOntoSimplex([0.3, 0.3, 0.1]);
    expect(v.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('recovers a known mix and ignores a useless member', () => {
    const rng = createRandom(4);
    const n = 500;
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    const junk = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      a[i] = rng.normal();
      b[i] = rng.normal();
      junk[i] = 5 + rng.normal();
      y[i] = 0.7 * a[i] + 0.3 * b[i];
    }
    const w = fitSimplexWeights([a, b, junk], y);
    expect(w[0]).toBeCloseTo(0.7, 6);
    expect(w[1]).toBeCloseTo(0.3, 6);
    expect(w[2]).toBeCloseTo(0, 6);
    for (const x of w) expect(x).toBeGreaterThanOrEqual(0);
    expect(w.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
  });

  it('combines, round-trips and rejects bad input', () => {
    const p1 = Float64Array.of(1, 2, 3);
    const p2 = Float64Array.of(3, 2, 1);
    const e = new WeightedEnsemble().fit([p1, p2], Float64Array.of(2, 2, 2), ['gbm', 'ridge']);
    expect(e.weights.get('gbm')).toBeCloseTo(0.5, 8);
    const back = WeightedEnsemble.fromJSON(JSON.parse(JSON.stringify(e)));
    expect(Array.from(back.combine([p1, p2]))).toEqual(Array.from(e.combine([p1, p2])));
    expect(() => e.combine([p1])).toThrow(RangeError);
    expect(() => new WeightedEnsemble({ maxIterations: 0 })).toThrow(/maxIterations/);
    expect(() => fitSimplexWeights([], Float64Array.of(1))).toThrow(RangeError);
  });
});
