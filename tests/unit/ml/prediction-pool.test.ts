import { afterAll, describe, expect, it } from 'vitest';
import { GradientBoostingRegressor } from '@/ml/trees/gradient-boosting';
import {
  disableParallelPrediction,
  disableParallelTraining,
  enableParallelPrediction,
  enableParallelTraining,
  parallelPredictionStats,
} from '@/ml/trees/prediction-pool';
import { RandomForestRegressor } from '@/ml/trees/random-forest';
import { sparseTable, syntheticRegression } from './helpers';

describe('worker threads', () => {
  afterAll(() => {
    disableParallelPrediction();
    disableParallelTraining();
  });

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

  it('fits byte-identical models with histograms built on several threads', () => {
    const { X, y } = syntheticRegression(2000, 7, 33, 0.3, 0.05);
    const zeroHeavy = sparseTable(2000, 9);
    const fit = () => [
      JSON.stringify(new GradientBoostingRegressor({ nEstimators: 8, maxDepth: 5, subsample: 0.8, seed: 4 }).fit(X, y)),
      // Mostly-default values: histograms from the sparse form.
      JSON.stringify(new GradientBoostingRegressor({ nEstimators: 8, maxDepth: 5, seed: 4 }).fit(zeroHeavy.X, zeroHeavy.y)),
      JSON.stringify(new RandomForestRegressor({ nEstimators: 4, maxDepth: 8, maxFeatures: 0.8, seed: 4 }).fit(X, y)),
      // Few features per split: the sampled-feature histogram path.
      JSON.stringify(new RandomForestRegressor({ nEstimators: 4, maxDepth: 8, maxFeatures: 0.45, seed: 4 }).fit(X, y)),
    ];
    const single = fit();
    for (const threads of [2, 3]) {
      // Every node's histogram, split search and partition split across threads.
      enableParallelTraining({ threads, minWork: 1, minPartitionRows: 2, minScanBins: 1 });
      expect(fit()).toEqual(single);
    }
    // The sampled-feature path alone must also have run on the workers.
    const before = parallelPredictionStats().histograms;
    enableParallelTraining({ threads: 2, minWork: 1 });
    new RandomForestRegressor({ nEstimators: 1, maxDepth: 3, maxFeatures: 0.45 }).fit(X, y);
    expect(parallelPredictionStats().histograms).toBeGreaterThan(before);
    expect(parallelPredictionStats().failures).toBe(0);
    disableParallelTraining();
    expect(fit()).toEqual(single);
    expect(() => enableParallelTraining({ threads: 1.5 })).toThrow(RangeError);
  });
});
