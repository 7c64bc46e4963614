import { availableParallelism } from 'node:os';
import { enableParallelPrediction, enableParallelTraining } from '@/ml/trees/prediction-pool';
import { settings } from '../config';

/**
 * Fits trees, and predicts large batches, on several threads in this process. For the processes
 * that train (the job worker, the CLI), never for the web server, whose requests need the cores:
 * training a job runs in its own process anyway. FORESIGHT_TRAINING_THREADS sets the count (0, the
 * default: the available cores, at most 4). The fitted models are identical whatever the count.
 * @returns the thread count in use.
 */
export function enableTrainingThreads(): number {
  const configured = settings.trainingThreads();
  const threads = configured === 0 ? Math.max(1, Math.min(4, availableParallelism())) : configured;
  enableParallelTraining({ threads });
  enableParallelPrediction({ threads });
  return threads;
}
