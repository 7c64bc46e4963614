/**
 * Runs one job in its own process, off the server's request path: `job-worker.ts <tenant> <jobId>`.
 * SIGTERM cancels it (the job records "cancelled"); whatever it writes is atomic, so a kill at any
 * moment leaves the previous state.
 */
import { runJob } from '../lib/jobs/run';

const [tenantId, jobId] = process.argv.slice(2);
const controller = new AbortController();
process.on('SIGTERM', () => controller.abort(new Error('cancelled')));

runJob(tenantId, jobId, { signal: controller.signal }).then(
  (job) => process.exit(job.status === 'succeeded' ? 0 : 1),
  (e: unknown) => {
    console.error(`job ${jobId} of ${tenantId} could not run:`, e);
    process.exit(1);
  },
);
