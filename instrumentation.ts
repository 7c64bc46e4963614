/**
 * Runs once when a Next.js server instance starts (Next's instrumentation hook), in the Node.js
 * runtime only (never in the edge runtime, which has no child processes or file system): installs
 * the API fast path that scripts/server.ts hands API clients' hot requests to, and starts the
 * auto-retraining scheduler.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { installFastApi } = await import('./lib/api/fast-path');
  installFastApi();
  if (process.env.FORESIGHT_SCHEDULER !== 'off') {
    const { startRetrainingScheduler } = await import('./lib/jobs/scheduled');
    startRetrainingScheduler();
  }
}
