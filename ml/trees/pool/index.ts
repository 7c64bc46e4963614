/**
 * Worker threads for tree ensembles (Node only: worker_threads; import this from server or CLI
 * code, the rest of `ml/` stays free of Node APIs). `startTreeWorkers` returns a TreeKernels
 * (kernels.ts) whose training kernels (training-pool.ts) and batch predictor
 * (prediction-pool.ts) cut their work among worker threads: pass it to a model
 * (`new GradientBoostingRegressor(options, { kernels })`) and close it when done. Results never
 * depend on the thread count: fitted models and predictions are bit-identical to SERIAL_KERNELS'.
 * Each pool is its own: fits with different kernels may run in one process.
 */
import { availableParallelism } from 'node:os';
import { SERIAL_KERNELS, type TreeKernels } from '../kernels';
import { createPredictionPool } from './prediction-pool';
import { createTrainingPool } from './training-pool';

export interface TreeWorkerOptions {
  /** Threads including the calling one (default: available cores, at most 4); 1 runs everything here. */
  threads?: number;
  /** Training nodes with fewer rows x features stay on the calling thread (default 10,000). */
  minWork?: number;
  /** Nodes with fewer rows are partitioned on the calling thread (default 5,000). */
  minPartitionRows?: number;
  /** Split searches over fewer histogram bins stay on the calling thread (default 2,000). */
  minScanBins?: number;
  /** Prediction batches with fewer rows stay on the calling thread (default 20,000). */
  minPredictRows?: number;
  /**
   * A training job a worker has not started when the calling thread is done with its own share
   * is run by the calling thread instead (default true: a worker asleep or without a core costs
   * no wait); false always waits for the worker. The results are the same either way.
   */
  takeBack?: boolean;
}

/** What a pool has done, for tests and diagnostics. */
export interface PoolStats {
  /** Prediction batches run on several threads. */
  batches: number;
  /** Node histograms built on several threads. */
  histograms: number;
  /** Jobs or batches a worker failed (then redone on the calling thread). */
  failures: number;
  /** Training jobs the calling thread ran itself because the worker had not started them. */
  runHere: number;
  /** Training jobs each training worker claimed and ran. */
  trainingJobsByWorker: number[];
  /** Row chunks each prediction worker predicted. */
  predictionChunksByWorker: number[];
}

/** TreeKernels on worker threads, with their own workers to close. */
export interface PooledTreeKernels extends TreeKernels {
  /** Threads including the calling one. */
  readonly threads: number;
  stats(): PoolStats;
  /** Stops the workers (idempotent); the kernels then run everything on the calling thread. */
  close(): void;
}

/** @throws RangeError unless threads is an integer in [1, 64]. */
function checkThreads(threads: number): number {
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new RangeError(`threads must be an integer in [1, 64], got ${threads}`);
  return threads;
}

/**
 * Starts training and prediction workers (threads - 1 of each) and returns the kernels that use
 * them. With one thread: the serial kernels, and close() does nothing.
 * @throws RangeError on a bad thread count.
 */
export function startTreeWorkers(options: TreeWorkerOptions = {}): PooledTreeKernels {
  const threads = checkThreads(options.threads ?? Math.min(4, availableParallelism()));
  if (threads === 1) {
    const stats: PoolStats = { batches: 0, histograms: 0, failures: 0, runHere: 0, trainingJobsByWorker: [], predictionChunksByWorker: [] };
    return { ...SERIAL_KERNELS, threads, stats: () => ({ ...stats }), close: () => {} };
  }
  const training = createTrainingPool({ threads, minWork: options.minWork, minPartitionRows: options.minPartitionRows, minScanBins: options.minScanBins, takeBack: options.takeBack });
  const prediction = createPredictionPool({ threads, minRows: options.minPredictRows });
  return {
    ...training.kernels,
    predictForest: prediction.predictForest,
    threads,
    stats: () => ({
      batches: prediction.batches(),
      histograms: training.histograms(),
      failures: training.counters.failures + prediction.failures(),
      runHere: training.counters.runHere,
      trainingJobsByWorker: training.jobsByWorker(),
      predictionChunksByWorker: prediction.chunksByWorker(),
    }),
    close() {
      training.close();
      prediction.close();
    },
  };
}
