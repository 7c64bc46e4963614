/**
 * Listeners for "the production version of a tenant changed" (the forecast cache clears itself,
 * serving reloads the model). Serving also checks the version on every request, so a change made
 * by another process (CLI, scheduler) takes effect for the next request too.
 */
type Listener = (tenantId: string) => void;
const globalListeners = globalThis as unknown as { __foresightProductionListeners?: Set<Listener> };
const listeners = (globalListeners.__foresightProductionListeners ??= new Set<Listener>());

export function subscribeProductionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function onProductionChange(tenantId: string): void {
  for (const l of listeners) l(tenantId);
}
