import { processSingleton } from '../process-state';

/**
 * Listeners for "the production version of a tenant changed" (the forecast cache clears itself,
 * serving reloads the model). Serving also checks the version on every request, so a change made
 * by another process (CLI, scheduler) takes effect for the next request too.
 */
type Listener = (tenantId: string) => void;
// Process-wide: a promotion by a server action must reach the caches every route bundle reads.
const listeners = processSingleton('registry.production-listeners', () => new Set<Listener>());

export function subscribeProductionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function onProductionChange(tenantId: string): void {
  for (const l of listeners) l(tenantId);
}
