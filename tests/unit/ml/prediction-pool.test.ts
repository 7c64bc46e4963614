import { afterAll, describe, expect, it } from 'vitest';
import { GradientBoostingRegressor } from '@/ml/trees/gradient-boosting';
import { disableParallelPrediction, enableParallelPrediction, parallelPredictionStats } from '@/ml/trees/prediction-pool';
import { RandomForestRegressor } from '@/ml/trees/random-forest';
import { syntheticRegression } from './helpers';

describe('parallel batch prediction', () => {
  afterAll(() => disableParallelPrediction());

  it('gives bit-identical predictions to one thread, whatever the thread count', () => {
    const { X, y } = syntheticRegression(3000, 6, 31, 0.3, 0.05);
    const models = [
      new GradientBoostingRegressor({ nEstimators: 30, maxDepth: 6 }).fit(X, y),
      new RandomForestRegressor({ nEstimators: 8, maxDepth: 20 }).fit(X, y),
    ];
    const single = models.map((m) => m.predict(X));
    for (const threads of [2, 3]) {
      enableParallelPrediction({ threads, minRows: 1 });
      models.forEach((m, k) => {
        const p = m.predict(X);
        expect(p.length).toBe(X.rows);
        for (let i = 0; i < X.rows; i++) expect(Object.is(p[i], single[k][i])).toBe(true);
      });
    }
    const stats = parallelPredictionStats();
    expect(stats.batches).toBe(4);
    expect(stats.failures).toBe(0);
    disableParallelPrediction();
    expect(Array.from(models[0].predict(X))).toEqual(Array.from(single[0]));
    expect(() => enableParallelPrediction({ threads: 0 })).toThrow(RangeError);
  });
});
