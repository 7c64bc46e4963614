import { afterEach, describe, expect, it } from 'vitest';
import { GradientBoostingRegressor } from '@/ml/trees/gradient-boosting';
import { startTreeWorkers, type PooledTreeKernels } from '@/ml/trees/pool';
import { RandomForestRegressor } from '@/ml/trees/random-forest';
import type { TreeKernels } from '@/ml/trees/kernels';
import { sparseTable, syntheticRegression } from './helpers';

describe('worker threads', () => {
  const pools: PooledTreeKernels[] = [];
  const start = (...args: Parameters<typeof startTreeWorkers>) => {
    const pool = startTreeWorkers(...args);
    pools.push(pool);
    return pool;
  };
  afterEach(() => {
    for (const p of pools.splice(0)) p.close();
  });

  it('gives bit-identical predictions to one thread, whatever the thread count', () => {
    const { X, y } = syntheticRegression(3000, 6, 31, 0.3, 0.05);
    const models = [
      new GradientBoostingRegressor({ nEstimators: 30, maxDepth: 6 }).fit(X, y),
      new RandomForestRegressor({ nEstimators: 8, maxDepth: 20 }).fit(X, y),
    ];
    const single = models.map((m) => m.predict(X));
    for (const threads of [2, 3]) {
      const kernels = start({ threads, minPredictRows: 1 });
      // The fitted models, loaded with the pool's kernels (kernels are not in the JSON).
      const pooled = [GradientBoostingRegressor.fromJSON(models[0].toJSON(), { kernels }), RandomForestRegressor.fromJSON(models[1].toJSON(), { kernels })];
      pooled.forEach((m, k) => {
        const p = m.predict(X);
        expect(p.length).toBe(X.rows);
        for (let i = 0; i < X.rows; i++) expect(Object.is(p[i], single[k][i])).toBe(true);
      });
      const stats = kernels.stats();
      expect(stats.batches).toBe(2);
      expect(stats.failures).toBe(0);
      // Every worker predicted its chunk of both batches itself.
      expect(stats.predictionChunksByWorker).toEqual(Array.from({ length: threads - 1 }, () => 2));
      kernels.close();
      expect(Array.from(pooled[0].predict(X))).toEqual(Array.from(single[0]));
      expect(kernels.stats().batches).toBe(2);
    }
    expect(() => startTreeWorkers({ threads: 0 })).toThrow(RangeError);
  });

  it('fits byte-identical models with histograms built on several threads', () => {
    const { X, y } = syntheticRegression(2000, 7, 33, 0.3, 0.05);
    const zeroHeavy = sparseTable(2000, 9);
    const fit = (kernels?: TreeKernels) => [
      JSON.stringify(new GradientBoostingRegressor({ nEstimators: 8, maxDepth: 5, subsample: 0.8, seed: 4 }, { kernels }).fit(X, y)),
      // Mostly-default values: histograms from the sparse form.
      JSON.stringify(new GradientBoostingRegressor({ nEstimators: 8, maxDepth: 5, seed: 4 }, { kernels }).fit(zeroHeavy.X, zeroHeavy.y)),
      // Poisson: non-integer hessians, the unpacked pair histograms.
      JSON.stringify(new GradientBoostingRegressor({ nEstimators: 8, maxDepth: 5, loss: 'poisson', seed: 4 }, { kernels }).fit(X, y.map(Math.abs))),
      JSON.stringify(new RandomForestRegressor({ nEstimators: 4, maxDepth: 8, maxFeatures: 0.8, seed: 4 }, { kernels }).fit(X, y)),
      // Few features per split: the sampled-feature histogram path.
      JSON.stringify(new RandomForestRegressor({ nEstimators: 4, maxDepth: 8, maxFeatures: 0.45, seed: 4 }, { kernels }).fit(X, y)),
    ];
    const single = fit();
    for (const threads of [2, 3]) {
      // Every node's histogram, split search and partition split across threads; with three,
      // no job taken back, so each worker certainly ran its shares.
      const kernels = start({ threads, minWork: 1, minPartitionRows: 2, minScanBins: 1, takeBack: threads === 2 });
      expect(fit(kernels)).toEqual(single);
      expect(kernels.stats().failures).toBe(0);
      if (threads === 3) {
        expect(kernels.stats().runHere).toBe(0);
        expect(kernels.stats().trainingJobsByWorker.every((jobs) => jobs > 100)).toBe(true);
      }
    }
    // The sampled-feature path alone must also have run on the worker: its own count of the jobs
    // it ran (not the calling thread's count of histograms, which includes jobs it took back;
    // without take-back every posted job is the worker's: one per node histogram, plus the bounds).
    const kernels = start({ threads: 2, minWork: 1, takeBack: false });
    const forest = new RandomForestRegressor({ nEstimators: 3, maxDepth: 6, maxFeatures: 0.45 }, { kernels }).fit(X, y);
    const stats = kernels.stats();
    expect(stats.histograms).toBeGreaterThan(0);
    expect(stats.runHere).toBe(0);
    expect(stats.trainingJobsByWorker).toEqual([stats.histograms + 1]);
    expect(stats.failures).toBe(0);
    expect(JSON.stringify(forest)).toBe(JSON.stringify(new RandomForestRegressor({ nEstimators: 3, maxDepth: 6, maxFeatures: 0.45 }).fit(X, y)));
    kernels.close();
    expect(fit(kernels)).toEqual(single);
    expect(kernels.stats().trainingJobsByWorker[0]).toBe(stats.trainingJobsByWorker[0]);
    expect(() => startTreeWorkers({ threads: 1.5 })).toThrow(RangeError);
  });

  it('runs fits with different kernels in one process, each on its own kernels, with identical models', () => {
    const { X, y } = syntheticRegression(2500, 6, 35, 0.3, 0.05);
    const counts = y.map((v) => Math.round(Math.abs(v)));
    const small = start({ threads: 2, minWork: 1, minPartitionRows: 2, minScanBins: 1, minPredictRows: 1 });
    const large = start({ threads: 3, minWork: 1, minPartitionRows: 2, minScanBins: 1, minPredictRows: 1 });
    const gbm = (kernels?: TreeKernels) => new GradientBoostingRegressor({ nEstimators: 10, maxDepth: 5, loss: 'poisson', seed: 2 }, { kernels }).fit(X, counts);
    const rf = (kernels?: TreeKernels) => new RandomForestRegressor({ nEstimators: 3, maxDepth: 7, seed: 2 }, { kernels }).fit(X, y);
    // Interleaved: a serial fit while both pools are open, then one per pool, then serial again.
    const serial = gbm();
    const smallBefore = small.stats();
    const largeBefore = large.stats();
    expect(smallBefore.histograms + largeBefore.histograms).toBe(0);
    const onSmall = gbm(small);
    const onLarge = gbm(large);
    const serialAgain = rf();
    // The serial fits touched neither pool; each pooled fit used its own.
    expect(small.stats().histograms).toBeGreaterThan(0);
    expect(large.stats().histograms).toBeGreaterThan(0);
    const smallAfter = small.stats().histograms;
    const largeAfter = large.stats().histograms;
    const rfSmall = rf(small);
    expect(large.stats().histograms).toBe(largeAfter);
    expect(small.stats().histograms).toBeGreaterThan(smallAfter);
    const smallAfterRf = small.stats().histograms;
    rf();
    expect(small.stats().histograms).toBe(smallAfterRf);
    expect(JSON.stringify(onSmall)).toBe(JSON.stringify(serial));
    expect(JSON.stringify(onLarge)).toBe(JSON.stringify(serial));
    expect(JSON.stringify(rfSmall)).toBe(JSON.stringify(serialAgain));
    // The kernels are never part of the model's JSON, and a model's predictions use its own kernels.
    expect(Object.keys(onSmall.toJSON().options)).toEqual(Object.keys(serial.toJSON().options));
    const batches = small.stats().batches;
    expect(Array.from(onSmall.predict(X))).toEqual(Array.from(serial.predict(X)));
    expect(small.stats().batches).toBe(batches + 1);
    expect(large.stats().batches).toBe(0);
  });
});
