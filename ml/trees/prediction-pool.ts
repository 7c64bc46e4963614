/**
 * Worker threads for tree ensembles (Node only: worker_threads), for batch prediction and for
 * histogram building during training. Results never depend on the thread count:
 *
 * - Prediction: the batch is cut into contiguous row chunks; every thread runs the very same
 *   `predictRows` function (its source is sent to the workers) on shared memory, and each row
 *   sums its trees in the same order whichever thread computes it.
 * - Training: a large node's histogram is cut by features; every feature's bins are summed by one
 *   thread, over the node's rows in the same order, with the same `buildHistogramFeatures` code.
 *   Small nodes stay on the calling thread. Fitted models are byte-identical to single-threaded.
 *
 * The calling thread takes the first chunk and waits (Atomics.wait) for the others. The forest,
 * binned data, gradients, row indices and histograms already live on SharedArrayBuffer.
 * Import this file only from server or CLI code; the rest of `ml/` stays free of Node APIs.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { predictRows, setParallelForestPredictor } from './forest';
import {
  buildFeatureHistogram,
  buildHistogram,
  buildHistogramFeatures,
  buildPackedHistogram,
  setFeatureHistogramBuilder,
  setHistogramBuilder,
  setPackedHistogramBuilder,
} from './histogram';
import { isShared } from './shared';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const predictRows = ${predictRows.toString()};
const buildHistogramFeatures = ${buildHistogramFeatures.toString()};
const buildFeatureHistogram = ${buildFeatureHistogram.toString()};
const buildPackedHistogram = ${buildPackedHistogram.toString()};
parentPort.on('message', (job) => {
  try {
    if (job.kind === 'predict') {
      predictRows(job.forest, job.values, job.rows, job.from, job.to, job.base, job.scale, job.out);
    } else if (job.kind === 'packed') {
      buildPackedHistogram(job.binIndex, job.cols, job.packed, job.idx, job.start, job.end, job.fromFeature, job.toFeature, job.hist);
    } else if (job.kind === 'features') {
      buildFeatureHistogram(job.binIndex, job.cols, job.offsets, job.gradHess, job.idx, job.start, job.end, job.features, job.from, job.to, job.hist);
    } else {
      buildHistogramFeatures(job.binIndex, job.cols, job.gradHess, job.idx, job.start, job.end, job.fromFeature, job.toFeature, job.hist);
    }
  } catch (err) {
    Atomics.add(job.status, 1, 1);
  } finally {
    Atomics.add(job.status, 0, 1);
    Atomics.notify(job.status, 0);
  }
});
`;

export interface ParallelPredictionOptions {
  /** Threads including the calling one (default: available cores, at most 4). */
  threads?: number;
  /** Smaller batches stay on the calling thread (default 20,000 rows). */
  minRows?: number;
}

export interface ParallelTrainingOptions {
  /** Threads including the calling one (default: available cores, at most 4). */
  threads?: number;
  /** Nodes with fewer rows x features stay on the calling thread (default 250,000). */
  minWork?: number;
}

let workers: Worker[] = [];
let predictionOn = false;
let trainingOn = false;
const stats = { batches: 0, histograms: 0, failures: 0 };

/** Work done on several threads, and jobs a worker failed (then redone on one thread). */
export function parallelPredictionStats(): Readonly<{ batches: number; histograms: number; failures: number }> {
  return { ...stats };
}

function checkThreads(threads: number): number {
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new RangeError(`threads must be an integer in [1, 64], got ${threads}`);
  return threads;
}

/** Makes the pool hold threads - 1 workers (restarting it when the size changes). */
function ensureWorkers(threads: number): Worker[] {
  if (workers.length === threads - 1) return workers;
  for (const w of workers) void w.terminate();
  workers = Array.from({ length: threads - 1 }, () => {
    const w = new Worker(WORKER_SOURCE, { eval: true });
    w.unref();
    return w;
  });
  return workers;
}

function stopWorkersIfIdle(): void {
  if (predictionOn || trainingOn) return;
  for (const w of workers) void w.terminate();
  workers = [];
}

/** Waits until `posted` jobs reported on status[0]; true when none failed. */
function waitFor(status: Int32Array, posted: number): boolean {
  for (let done = Atomics.load(status, 0); done < posted; done = Atomics.load(status, 0)) {
    Atomics.wait(status, 0, done, 1000);
  }
  if (Atomics.load(status, 1) > 0) {
    stats.failures++;
    return false;
  }
  return true;
}

/**
 * Installs the multi-threaded predictor for every tree model's batch predict.
 * @throws RangeError on a bad thread count.
 */
export function enableParallelPrediction(options: ParallelPredictionOptions = {}): void {
  const threads = checkThreads(options.threads ?? Math.min(4, availableParallelism()));
  const minRows = options.minRows ?? 20_000;
  disableParallelPrediction();
  if (threads === 1) return;
  const pool = ensureWorkers(threads);
  predictionOn = true;
  setParallelForestPredictor((forest, values, rows, base, scale, out) => {
    if (rows < minRows || pool !== workers) return false;
    const shared = isShared(values) ? values : sharedCopy(values);
    const result = new Float64Array(new SharedArrayBuffer(8 * rows));
    const status = new Int32Array(new SharedArrayBuffer(8));
    const chunk = Math.ceil(rows / threads);
    let posted = 0;
    for (let w = 0; w < pool.length; w++) {
      const from = (w + 1) * chunk;
      const to = Math.min(rows, from + chunk);
      if (from >= to) break;
      pool[w].postMessage({ kind: 'predict', forest, values: shared, rows, from, to, base, scale, out: result, status });
      posted++;
    }
    predictRows(forest, shared, rows, 0, Math.min(rows, chunk), base, scale, result);
    if (!waitFor(status, posted)) return false;
    stats.batches++;
    out.set(result);
    return true;
  });
}

/** Returns batch prediction to the calling thread. */
export function disableParallelPrediction(): void {
  setParallelForestPredictor(null);
  predictionOn = false;
  stopWorkersIfIdle();
}

/**
 * Installs the multi-threaded histogram builder used while growing trees (fitted models are
 * identical to single-threaded ones).
 * @throws RangeError on a bad thread count.
 */
export function enableParallelTraining(options: ParallelTrainingOptions = {}): void {
  const threads = checkThreads(options.threads ?? Math.min(4, availableParallelism()));
  const minWork = options.minWork ?? 250_000;
  disableParallelTraining();
  if (threads === 1) return;
  const pool = ensureWorkers(threads);
  trainingOn = true;
  setHistogramBuilder((binIndex, cols, gradHess, idx, start, end, hist) => {
    const shared = isShared(binIndex) && isShared(gradHess) && isShared(idx) && isShared(hist);
    if ((end - start) * cols < minWork || cols < 2 || !shared || pool !== workers) {
      buildHistogram(binIndex, cols, gradHess, idx, start, end, hist);
      return;
    }
    const parts = Math.min(threads, cols);
    const per = Math.ceil(cols / parts);
    const status = new Int32Array(new SharedArrayBuffer(8));
    let posted = 0;
    for (let w = 0; w < parts - 1; w++) {
      const fromFeature = (w + 1) * per;
      const toFeature = Math.min(cols, fromFeature + per);
      if (fromFeature >= toFeature) break;
      pool[w].postMessage({ kind: 'hist', binIndex, cols, gradHess, idx, start, end, fromFeature, toFeature, hist, status });
      posted++;
    }
    buildHistogramFeatures(binIndex, cols, gradHess, idx, start, end, 0, Math.min(cols, per), hist);
    if (waitFor(status, posted)) {
      stats.histograms++;
      return;
    }
    // A worker failed: rebuild the whole histogram here.
    hist.fill(0);
    buildHistogram(binIndex, cols, gradHess, idx, start, end, hist);
  });
  setPackedHistogramBuilder((binIndex, cols, packed, idx, start, end, hist) => {
    const shared = isShared(binIndex) && isShared(packed) && isShared(idx) && isShared(hist);
    if ((end - start) * cols < minWork || cols < 2 || !shared || pool !== workers) {
      buildPackedHistogram(binIndex, cols, packed, idx, start, end, 0, cols, hist);
      return;
    }
    const parts = Math.min(threads, cols);
    const per = Math.ceil(cols / parts);
    const status = new Int32Array(new SharedArrayBuffer(8));
    let posted = 0;
    for (let w = 0; w < parts - 1; w++) {
      const fromFeature = (w + 1) * per;
      const toFeature = Math.min(cols, fromFeature + per);
      if (fromFeature >= toFeature) break;
      pool[w].postMessage({ kind: 'packed', binIndex, cols, packed, idx, start, end, fromFeature, toFeature, hist, status });
      posted++;
    }
    buildPackedHistogram(binIndex, cols, packed, idx, start, end, 0, Math.min(cols, per), hist);
    if (waitFor(status, posted)) {
      stats.histograms++;
      return;
    }
    hist.fill(0);
    buildPackedHistogram(binIndex, cols, packed, idx, start, end, 0, cols, hist);
  });
  setFeatureHistogramBuilder((binIndex, cols, offsets, gradHess, idx, start, end, features, featureCount, hist) => {
    const shared = isShared(binIndex) && isShared(gradHess) && isShared(idx) && isShared(hist);
    if ((end - start) * featureCount < minWork || featureCount < 2 || !shared || pool !== workers) {
      buildFeatureHistogram(binIndex, cols, offsets, gradHess, idx, start, end, features, 0, featureCount, hist);
      return;
    }
    const parts = Math.min(threads, featureCount);
    const per = Math.ceil(featureCount / parts);
    const list = features.slice(0, featureCount);
    const status = new Int32Array(new SharedArrayBuffer(8));
    let posted = 0;
    for (let w = 0; w < parts - 1; w++) {
      const from = (w + 1) * per;
      const to = Math.min(featureCount, from + per);
      if (from >= to) break;
      pool[w].postMessage({ kind: 'features', binIndex, cols, offsets, gradHess, idx, start, end, features: list, from, to, hist, status });
      posted++;
    }
    buildFeatureHistogram(binIndex, cols, offsets, gradHess, idx, start, end, list, 0, Math.min(featureCount, per), hist);
    if (waitFor(status, posted)) {
      stats.histograms++;
      return;
    }
    buildFeatureHistogram(binIndex, cols, offsets, gradHess, idx, start, end, list, 0, featureCount, hist);
  });
}

/** Returns histogram building to the calling thread. */
export function disableParallelTraining(): void {
  setHistogramBuilder(null);
  setPackedHistogramBuilder(null);
  setFeatureHistogramBuilder(null);
  trainingOn = false;
  stopWorkersIfIdle();
}

function sharedCopy(values: Float64Array): Float64Array {
  const copy = new Float64Array(new SharedArrayBuffer(values.byteLength));
  copy.set(values);
  return copy;
}
