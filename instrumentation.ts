/**
 * Runs once when a Next.js server instance starts (Next's instrumentation hook): starts the
 * auto-retraining scheduler in the Node.js runtime (never in the edge runtime, which has no
 * child processes or file system).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs' && process.env.FORESIGHT_SCHEDULER !== 'off') {
    const { startRetrainingScheduler } = await import('./lib/jobs/scheduled');
    startRetrainingScheduler();
  }
}
