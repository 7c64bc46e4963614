/**
 * Runs one job in its own process, off the server's request path: `job-worker.ts <tenant> <jobId>`.
 * SIGTERM cancels it (the job records "cancelled"); whatever it writes is atomic, so a kill at any
 * moment leaves the previous state. Training and retraining jobs fit trees on several threads
 * (lib/training/threads.ts); the models are the same as on one.
 */
import { runJob } from '../lib/jobs/run';
import { getJobOrThrow } from '../lib/jobs/store';
import { startTrainingThreads } from '../lib/training/threads';

const [tenantId, jobId] = process.argv.slice(2);
const controller = new AbortController();
process.on('SIGTERM', () => controller.abort(new Error('cancelled')));

async function main(): Promise<number> {
  const job = await getJobOrThrow({ tenantId, jobId });
  const kernels = job.kind === 'train' || job.kind === 'retrain' ? startTrainingThreads() : undefined;
  try {
    const done = await runJob(tenantId, jobId, { signal: controller.signal, kernels });
    return done.status === 'succeeded' ? 0 : 1;
  } finally {
    kernels?.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`job ${jobId} of ${tenantId} could not run:`, e);
    process.exit(1);
  },
);
