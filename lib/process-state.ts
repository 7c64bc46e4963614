/**
 * The one home of process-wide state: caches, the rate limiter, the usage meter, lock chains,
 * listeners and timers that every copy of a module in this process must share.
 *
 * Why not a module-level variable: Next.js bundles a module once per layer (route handlers, pages,
 * server actions, instrumentation), so one server process can hold several copies of, say,
 * lib/usage.ts. A module-level Map would then be several Maps, and a quota check in one route
 * would not see the calls metered by another. Values kept here live on `globalThis` under one
 * registered symbol, which every copy of this file (and scripts/server.ts, which Next.js does not
 * bundle) reaches.
 *
 * This is the only file that touches `globalThis` (tests/unit/lib/process-state.test.ts checks).
 */
const STATE = Symbol.for('foresight.process-state');

let found: Map<string, unknown> | undefined;
function states(): Map<string, unknown> {
  if (found) return found;
  const existing: unknown = Reflect.get(globalThis, STATE);
  if (existing instanceof Map) return (found = existing);
  found = new Map<string, unknown>();
  Reflect.set(globalThis, STATE, found);
  return found;
}

/**
 * The process's one value named `name`, created by `init` on first use; every later call, from
 * any copy of any module, gets that same value (`init` is not called again).
 *
 * A name belongs to one kind of value: callers that share a name (a module and its copies, or the
 * two ends of one hand-over) must give the same type, since nothing checks it at run time. Name
 * it after the module that owns it.
 */
export function processSingleton<T>(name: string, init: () => T): T {
  const map = states();
  if (map.has(name)) return map.get(name) as T;
  const value = init();
  map.set(name, value);
  return value;
}
