/**
 * Runs once when a Next.js server instance starts (Next's instrumentation hook), in the Node.js
 * runtime only (never in the edge runtime, which has no child processes or file system): installs
 * the API fast path that scripts/server.ts hands API clients' hot requests to, warms forecasts
 * after a model's first load and after a promotion, starts the auto-retraining scheduler, and
 * removes the staged uploads of jobs that died (a killed import, a server stopped mid-upload) in
 * the background.
 *
 * Server-only behaviour starts here and nowhere else: no module subscribes to events or starts
 * timers when it is imported, so the CLI, job workers and tests get none of it.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { installFastApi } = await import('./lib/api/fast-path');
  installFastApi();
  const { startForecastWarmUp } = await import('./lib/forecast/service');
  startForecastWarmUp();
  const { removeDeadStagedUploadsOfAllTenants } = await import('./lib/jobs/staging');
  removeDeadStagedUploadsOfAllTenants().then(
    (n) => n > 0 && console.log(`Removed the staged uploads of ${n} ended job${n === 1 ? '' : 's'}.`),
    (e: unknown) => console.error('Cleaning staged uploads failed:', (e as Error).message),
  );
  if (process.env.FORESIGHT_SCHEDULER !== 'off') {
    const { startRetrainingScheduler } = await import('./lib/jobs/scheduled');
    startRetrainingScheduler();
  }
}
