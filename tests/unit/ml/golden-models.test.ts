import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { GradientBoostingRegressor } from '@/ml/trees/gradient-boosting';
import { RandomForestRegressor } from '@/ml/trees/random-forest';
import { startTreeWorkers } from '@/ml/trees/pool';
import type { TreeKernels } from '@/ml/trees/kernels';
import { createMatrix, selectRows } from '@/ml/matrix';
import { createRandom } from '@/ml/random';

/**
 * Fitted models byte for byte: the sha256 of each model's JSON and of its predictions on a fixed
 * seeded table, recorded from the engine before its kernels and losses became objects (issue 12,
 * commit dd1ae70), on one thread and on two. A change to the engine that alters any tree, leaf
 * value or prediction shows here; when a change means to alter them (a new split rule, say),
 * record the new hashes and say why in the commit.
 */
const GOLDEN: Record<string, string> = {
  gbm_squared: '37bd8a5dd608b4af9ffe8995e92c1f5126e1cb080025bc562e26796859a2da96',
  gbm_squared_predict: '835586b7711cecee4d53076a11462a1c4b7bfd15a26fd374e4c6539100661926',
  gbm_poisson: '13b59269a892b8f177bcb7f7fc5744a958bedeedf5fe294a76eecfb1bbfde073',
  gbm_poisson_predict: 'efd25277d042ef41e3594ef9f1e8f70afc30d18e977cce6eb231a61f985815c4',
  gbm_poisson_leafwise: '0d30c19df1929111d613750f1da9d9787b18216d4f4946b43184b824c57a8feb',
  gbm_poisson_leafwise_predict: 'c3936f7fc88a001747f87f5c262fa1c67a4c2b23a1d8797f5f7ab0dcc9027b5c',
  rf: '423bb7e04b626c8070d1e038ab481925875106f67ee5af73620ec8c28ca452f6',
  rf_predict: '2b4f1baa335ee0f379d637b5c7e5acb661a8b34d947f1277906eab17142ae941',
  rf_dense: '035d82cbd09730bba624c590bedf1f5e071ff40833fde52885e783067d8dd4ba',
  rf_dense_predict: '88cd684dc157a1f957a501abeabff8b7dcd29e6c56be0dd18b03cd6994fdbc50',
};

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** Normal features with 3% missing values and a flag column; y a count driven by x0 and x1. */
function goldenTable(rows: number, cols: number, seed: number) {
  const rng = createRandom(seed);
  const X = createMatrix(rows, Array.from({ length: cols }, (_, i) => `x${i}`));
  const v = X.values;
  for (let i = 0; i < v.length; i++) v[i] = rng.normal();
  for (let r = 0; r < rows; r++) v[(cols - 1) * rows + r] = r % 6 === 0 ? 1 : 0;
  for (let i = 0; i < v.length; i++) if (rng.next() < 0.03) v[i] = Number.NaN;
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const a = Number.isNaN(v[r]) ? 0 : v[r];
    const b = Number.isNaN(v[rows + r]) ? 0 : v[rows + r];
    y[r] = Math.max(0, Math.round(Math.exp(0.8 * a - 0.5 * b + 1) + rng.normal()));
  }
  return { X, y };
}

function hashes(kernels?: TreeKernels): Record<string, string> {
  const { X, y } = goldenTable(3000, 8, 11);
  const Xtr = selectRows(X, Int32Array.from({ length: 2400 }, (_, i) => i));
  const ytr = y.slice(0, 2400);
  const validation = { X: selectRows(X, Int32Array.from({ length: 600 }, (_, i) => 2400 + i)), y: y.slice(2400) };
  const config = { kernels };
  const models = {
    gbm_squared: new GradientBoostingRegressor({ nEstimators: 25, maxDepth: 5, subsample: 0.8, colsample: 0.8, seed: 3 }, config).fit(Xtr, ytr, { validation }),
    gbm_poisson: new GradientBoostingRegressor({ nEstimators: 25, maxDepth: 5, subsample: 0.8, colsample: 0.8, loss: 'poisson', seed: 3 }, config).fit(Xtr, ytr, { validation }),
    gbm_poisson_leafwise: new GradientBoostingRegressor({ nEstimators: 10, maxDepth: 8, maxLeaves: 15, loss: 'poisson', seed: 4 }, config).fit(Xtr, ytr),
    rf: new RandomForestRegressor({ nEstimators: 8, maxDepth: 9, maxFeatures: 0.45, seed: 3 }, config).fit(Xtr, ytr),
    rf_dense: new RandomForestRegressor({ nEstimators: 5, maxDepth: 9, maxFeatures: 0.8, minSamplesLeaf: 3, seed: 9 }, config).fit(Xtr, ytr),
  };
  const out: Record<string, string> = {};
  for (const [name, m] of Object.entries(models)) {
    out[name] = sha(JSON.stringify(m));
    out[`${name}_predict`] = sha(Buffer.from(m.predict(X).buffer).toString('hex'));
  }
  return out;
}

describe('fitted models are byte-identical to the recorded ones', () => {
  const pool = startTreeWorkers({ threads: 2, minWork: 1, minPartitionRows: 2, minScanBins: 1, minPredictRows: 1 });
  afterAll(() => pool.close());

  it('on the calling thread', () => {
    expect(hashes()).toEqual(GOLDEN);
  });

  it('with every node, scan, partition and batch cut between two threads', () => {
    expect(hashes(pool)).toEqual(GOLDEN);
    expect(pool.stats().histograms).toBeGreaterThan(0);
    expect(pool.stats().batches).toBe(5);
  });
});
