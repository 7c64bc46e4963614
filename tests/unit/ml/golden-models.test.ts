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
 * commit dd1ae70), on one thread and on two; the gbm and rf_dense ones re-recorded when Poisson's
 * hessians were quantised into the packed histograms and the packed split scan began scoring
 * from exact integer sums (exact ties to the first candidate). A change to the engine that alters
 * any tree, leaf value or prediction shows here; when a change means to alter them (a new split
 * rule, say), record the new hashes and say why in the commit.
 */
const GOLDEN: Record<string, string> = {
  gbm_squared: '88a9b430666d9ae1a9a1d826e8bafa90831c20be3fa11ea83f2109cb5518ba6b',
  gbm_squared_predict: 'eb5e0ef547cddb87a7c8e49979fdc61a414f49af4ede27dbabc6f6886553e0b9',
  gbm_poisson: '99cfdb6518c46f09d290e27ef097bc36ff02edbec6fa15906f7efa32e2ce32c2',
  gbm_poisson_predict: '1fabfa84f4242d0f232c963dd8adaec5fa9a42e21a42757ed90c2d35b875a612',
  gbm_poisson_leafwise: '78ddb4e64a337a5ee27fa2a130f8b00501282973a8d1a2d3c4b417bb38095ad8',
  gbm_poisson_leafwise_predict: 'f6be0bc25a4da4d168aabc1750cf1806183c90319d39da4e489e9edc79a8bcc6',
  rf: '423bb7e04b626c8070d1e038ab481925875106f67ee5af73620ec8c28ca452f6',
  rf_predict: '2b4f1baa335ee0f379d637b5c7e5acb661a8b34d947f1277906eab17142ae941',
  rf_dense: 'da28b95c9dcb4e0f309fbbcf159f1cf4923baf9cfa8f2da03b581396dec4610a',
  rf_dense_predict: '2657e5301c38d90a40d85bca0450da46cfc5117c99b74f7ffb821872b17dd302',
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
