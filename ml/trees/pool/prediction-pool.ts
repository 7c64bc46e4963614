/**
 * Batch prediction on worker threads: a batch is cut into contiguous row chunks, every thread
 * runs the very same `predictRows` (its source is sent to the workers) on the forest's shared
 * arrays, and each row sums its trees in the same order whichever thread computes it, so the
 * predictions are bit-identical to one thread's. The calling thread predicts the first chunk and
 * waits (Atomics.wait) for the others.
 */
import { Worker } from 'node:worker_threads';
import { predictRows } from '../forest';
import type { ForestPredictor } from '../kernels';
import { PREDICTION_WORKER_SOURCE } from './worker-source';

export interface PredictionPoolOptions {
  /** Threads including the calling one, 2..64. */
  threads: number;
  /** Smaller batches stay on the calling thread (default 20,000 rows). */
  minRows?: number;
}

export interface PredictionPool {
  readonly predictForest: ForestPredictor;
  /** Batches predicted on several threads. */
  batches(): number;
  /** Batches a worker failed (then predicted on the calling thread). */
  failures(): number;
  /** Row chunks each worker predicted. */
  chunksByWorker(): number[];
  /** Stops the workers; the predictor then runs on the calling thread. */
  close(): void;
}

/** Starts threads - 1 prediction workers and the predictor that uses them. */
export function createPredictionPool(options: PredictionPoolOptions): PredictionPool {
  const { threads } = options;
  const minRows = options.minRows ?? 20_000;
  const workers = Array.from({ length: threads - 1 }, () => {
    const w = new Worker(PREDICTION_WORKER_SOURCE, { eval: true });
    w.unref();
    return w;
  });
  const chunks = new Int32Array(new SharedArrayBuffer(4 * workers.length));
  let open = true;
  let batches = 0;
  let failures = 0;
  // Each worker's rows are staged as a small column-major matrix of their own, in a shared buffer
  // reused across batches (copying a share costs a few percent of predicting it; a fresh shared
  // copy of the whole matrix per batch cost more than the prediction on the demo table); the
  // calling thread predicts its rows straight from the caller's arrays into `out`.
  const staging: Float64Array[] = [];
  const parts: Float64Array[] = [];
  const reuse = (list: Float64Array[], w: number, length: number) => {
    const have = list[w];
    if (have !== undefined && have.length >= length) return have.subarray(0, length);
    list[w] = new Float64Array(new SharedArrayBuffer(8 * length));
    return list[w];
  };

  /** Predicts on several threads; false when a worker failed (the caller then predicts alone). */
  const inParallel = (forest: Parameters<ForestPredictor>[0], values: Float64Array, rows: number, base: number, scale: number, out: Float64Array): boolean => {
    const cols = forest.cols;
    const status = new Int32Array(new SharedArrayBuffer(8));
    const chunk = Math.ceil(rows / threads);
    const jobs: { from: number; to: number; out: Float64Array }[] = [];
    for (let w = 0; w < workers.length; w++) {
      const from = (w + 1) * chunk;
      const to = Math.min(rows, from + chunk);
      if (from >= to) break;
      const m = to - from;
      const part = reuse(parts, w, m);
      const staged = reuse(staging, w, m * cols);
      for (let c = 0; c < cols; c++) staged.set(values.subarray(c * rows + from, c * rows + to), c * m);
      workers[w].postMessage({ forest, values: staged, rows: m, from: 0, to: m, base, scale, out: part, status, counts: chunks, worker: w });
      jobs.push({ from, to, out: part });
    }
    predictRows(forest, values, rows, 0, Math.min(rows, chunk), base, scale, out);
    for (let done = Atomics.load(status, 0); done < jobs.length; done = Atomics.load(status, 0)) Atomics.wait(status, 0, done, 1000);
    if (Atomics.load(status, 1) > 0) {
      failures++;
      return false;
    }
    batches++;
    for (const job of jobs) out.set(job.out, job.from);
    return true;
  };

  return {
    predictForest(forest, values, rows, base, scale, out) {
      if (rows >= minRows && open && inParallel(forest, values, rows, base, scale, out)) return;
      predictRows(forest, values, rows, 0, rows, base, scale, out);
    },
    batches: () => batches,
    failures: () => failures,
    chunksByWorker: () => Array.from(chunks),
    close() {
      if (!open) return;
      open = false;
      for (const w of workers) void w.terminate();
    },
  };
}
