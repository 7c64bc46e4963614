/**
 * Multi-threaded batch prediction for tree ensembles (Node only: worker_threads).
 *
 * `enableParallelPrediction()` starts a few worker threads that run the very same
 * `predictRows` function as the main thread (its source is sent to them), on shared memory: the
 * forest's arrays already live on SharedArrayBuffer, the batch is copied once into one. Rows are
 * cut into contiguous chunks, the main thread takes the first and waits (Atomics.wait) for the
 * others. Each row is computed by the same code summing its trees in the same order, so the
 * result is bit-identical to single-threaded prediction, whatever the thread count.
 *
 * Import this file only from server or CLI code; the rest of `ml/` stays free of Node APIs.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { predictRows, setParallelForestPredictor, type ForestArrays } from './forest';

interface Job {
  forest: ForestArrays;
  values: Float64Array;
  rows: number;
  from: number;
  to: number;
  base: number;
  scale: number;
  out: Float64Array;
  /** [finished chunks, failed chunks] */
  status: Int32Array;
}

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const predictRows = ${predictRows.toString()};
parentPort.on('message', (job) => {
  try {
    predictRows(job.forest, job.values, job.rows, job.from, job.to, job.base, job.scale, job.out);
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

let workers: Worker[] = [];
const stats = { batches: 0, failures: 0 };

/** Batches predicted on several threads, and batches a worker failed (then redone on one thread). */
export function parallelPredictionStats(): Readonly<{ batches: number; failures: number }> {
  return { ...stats };
}

/**
 * Installs the multi-threaded predictor for every tree model's batch predict.
 * @throws RangeError on a bad thread count.
 */
export function enableParallelPrediction(options: ParallelPredictionOptions = {}): void {
  const threads = options.threads ?? Math.min(4, availableParallelism());
  const minRows = options.minRows ?? 20_000;
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new RangeError(`threads must be an integer in [1, 64], got ${threads}`);
  disableParallelPrediction();
  if (threads === 1) return;
  workers = Array.from({ length: threads - 1 }, () => {
    const w = new Worker(WORKER_SOURCE, { eval: true });
    w.unref();
    return w;
  });
  const pool = workers;
  setParallelForestPredictor((forest, values, rows, base, scale, out) => {
    if (rows < minRows || pool !== workers) return false;
    const shared = values.buffer instanceof SharedArrayBuffer ? values : sharedCopy(values);
    const result = new Float64Array(new SharedArrayBuffer(8 * rows));
    const status = new Int32Array(new SharedArrayBuffer(8));
    const chunk = Math.ceil(rows / threads);
    let posted = 0;
    for (let w = 0; w < pool.length; w++) {
      const from = (w + 1) * chunk;
      const to = Math.min(rows, from + chunk);
      if (from >= to) break;
      const job: Job = { forest, values: shared, rows, from, to, base, scale, out: result, status };
      pool[w].postMessage(job);
      posted++;
    }
    predictRows(forest, shared, rows, 0, Math.min(rows, chunk), base, scale, result);
    for (let done = Atomics.load(status, 0); done < posted; done = Atomics.load(status, 0)) {
      Atomics.wait(status, 0, done, 1000);
    }
    if (Atomics.load(status, 1) > 0) {
      stats.failures++;
      return false;
    }
    stats.batches++;
    out.set(result);
    return true;
  });
}

/** Stops the workers and returns to single-threaded prediction. */
export function disableParallelPrediction(): void {
  setParallelForestPredictor(null);
  const old = workers;
  workers = [];
  for (const w of old) void w.terminate();
}

function sharedCopy(values: Float64Array): Float64Array {
  const copy = new Float64Array(new SharedArrayBuffer(values.byteLength));
  copy.set(values);
  return copy;
}
