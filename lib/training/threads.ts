import { availableParallelism } from 'node:os';
import type { TreeKernels } from '@/ml/trees/kernels';
import { startTreeWorkers, type PooledTreeKernels } from '@/ml/trees/pool';
import { settings } from '../config';

/**
 * Kernels that fit trees, and predict large batches, on several threads of this process. For the
 * processes that train (the job worker, the CLI), never for the web server, whose requests need
 * the cores: training a job runs in its own process anyway. FORESIGHT_TRAINING_THREADS sets the
 * count (0, the default: the available cores, at most 4). The fitted models are identical
 * whatever the count. Pass them in TrainOptions.kernels; close them when done.
 */
export function startTrainingThreads(): PooledTreeKernels {
  const configured = settings.trainingThreads();
  const threads = configured === 0 ? Math.max(1, Math.min(4, availableParallelism())) : configured;
  return startTreeWorkers({ threads });
}

/** Runs `work` with the training kernels of startTrainingThreads, and stops their threads after. */
export async function withTrainingThreads<T>(work: (kernels: TreeKernels) => Promise<T>): Promise<T> {
  const kernels = startTrainingThreads();
  try {
    return await work(kernels);
  } finally {
    kernels.close();
  }
}
