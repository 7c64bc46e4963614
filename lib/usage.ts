import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { processSingleton } from './process-state';
import { MissingFolderError, platformPath, storage, tenantPath } from './storage';
import { findTenant } from './tenants';

/**
 * Metering (docs/architecture.md): API calls counted in memory and added to `tenants/<id>/usage.json` (per
 * month) every two seconds, so a busy API does not rewrite a file on each call.
 *
 * No count is lost or counted twice on the way:
 * - Counts are grouped into batches numbered per process (`writer`, `seq`). A batch leaves memory
 *   only once the write that adds it has committed; a failed write keeps it and the next flush
 *   retries it with the same number. usage.json records each writer's last applied batch, so a
 *   batch is applied once however often it is retried.
 * - When the process exits (Next.js ends `next start` on SIGTERM / SIGINT with process.exit), an
 *   exit hook writes what is still in memory synchronously, under the same lock file protocol.
 *   Only a process killed outright (SIGKILL, a crash) loses its last two seconds of counts.
 */
const monthCountsSchema = z.object({ apiCalls: z.number(), predictions: z.number().default(0), trainingMinutes: z.number().default(0) });
const usageFileSchema = z.object({
  months: z.record(z.string(), monthCountsSchema),
  /** Per writing process, its last applied batch (kept 90 days) so a retried batch is not added twice. */
  appliedBatches: z.record(z.string(), z.object({ seq: z.number().int(), at: z.string() })).default({}),
});
export type UsageFile = z.infer<typeof usageFileSchema>;

const FLUSH_MS = 2_000;
const APPLIED_KEEP_MS = 90 * 86_400_000;

/** Counts of one tenant by month: API calls, and predictions served (a batch of n rows is n). */
interface MonthCounts {
  apiCalls: number;
  predictions: number;
}
type MonthCalls = Map<string, MonthCounts>;
interface Batch {
  seq: number;
  calls: MonthCalls;
}
interface MeterState {
  writer: string;
  seq: number;
  /** Counted, not yet in a batch. */
  pending: Map<string, MonthCalls>;
  /** The batch being written (or to retry) per tenant: at most one, applied before newer counts. */
  inFlight: Map<string, Batch>;
  timer: NodeJS.Timeout | undefined;
  flushing: Promise<void>;
  /** Stored calls this month per tenant and store (storedKey), as last read or written. */
  stored: Map<string, { at: number; month: string; calls: number }>;
  /** Batches committed so far (a re-read that raced a commit is not kept). */
  commits: number;
  /** On the first count, not at import: only a process that counts has anything to write at exit. */
  exitHookInstalled: boolean;
}

// Process-wide: Next.js may load this module once per bundle, and the quota check must see every
// bundle's counts.
const state = processSingleton(
  'usage.meter',
  (): MeterState => ({
    writer: `${process.pid}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`,
    seq: 0,
    pending: new Map(),
    inFlight: new Map(),
    timer: undefined,
    flushing: Promise.resolve(),
    stored: new Map(),
    commits: 0,
    exitHookInstalled: false,
  }),
);

const monthOf = (d = new Date()) => d.toISOString().slice(0, 7);
const usageKey = (tenantId: string) => tenantPath(tenantId, 'tenants', 'usage.json');
/** Key of the stored-calls figure: the tenant under the current store (cheaper than resolving its path on every call). */
const storedKey = (tenantId: string) => `${process.env.FORESIGHT_HOME ?? ''}\u0000${tenantId}`;
const emptyUsage = (): UsageFile => ({ months: {}, appliedBatches: {} });

function installExitHook(): void {
  if (state.exitHookInstalled) return;
  state.exitHookInstalled = true;
  process.once('exit', flushUsageOnExit);
}

function sumFor(calls: MonthCalls | undefined, month: string): number {
  return calls?.get(month)?.apiCalls ?? 0;
}

/** The usage document with a batch added, unless this writer's batch `seq` is already in it. */
function applyBatch(u: UsageFile, batch: Batch, nowMs: number): UsageFile {
  if ((u.appliedBatches[state.writer]?.seq ?? -1) >= batch.seq) return u;
  const months = { ...u.months };
  for (const [month, n] of batch.calls) {
    const cur = months[month] ?? { apiCalls: 0, predictions: 0, trainingMinutes: 0 };
    months[month] = { ...cur, apiCalls: cur.apiCalls + n.apiCalls, predictions: cur.predictions + n.predictions };
  }
  const appliedBatches: UsageFile['appliedBatches'] = {};
  for (const [w, a] of Object.entries(u.appliedBatches)) if (nowMs - Date.parse(a.at) < APPLIED_KEEP_MS) appliedBatches[w] = a;
  appliedBatches[state.writer] = { seq: batch.seq, at: new Date(nowMs).toISOString() };
  return { months, appliedBatches };
}

/** Counts one API call of the tenant (written within two seconds; see the file comment). */
export function meterApiCall(tenantId: string): void {
  count(tenantId, 1, 0);
}

/** Counts `n` predictions served to the tenant (one per forecast row of POST /predict and /predict/batch). */
export function meterPredictions(tenantId: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a whole number >= 0, got ${n}`);
  if (n > 0) count(tenantId, 0, n);
}

function count(tenantId: string, apiCalls: number, predictions: number): void {
  const month = monthOf();
  let calls = state.pending.get(tenantId);
  if (!calls) state.pending.set(tenantId, (calls = new Map()));
  const cur = calls.get(month);
  calls.set(month, { apiCalls: (cur?.apiCalls ?? 0) + apiCalls, predictions: (cur?.predictions ?? 0) + predictions });
  installExitHook();
  state.timer ??= setTimeout(() => {
    state.timer = undefined;
    flushUsage().catch(logFlushFailure);
  }, FLUSH_MS);
  state.timer.unref?.();
}

const logFlushFailure = (e: unknown) => console.error('usage: flushing API calls failed, the calls stay in memory:', (e as Error).message);

/** Writes every counted call now (one flush at a time; concurrent callers share it). */
export function flushUsage(): Promise<void> {
  state.flushing = state.flushing.then(flushOnce, flushOnce);
  return state.flushing;
}

async function flushOnce(): Promise<void> {
  const tenants = new Set([...state.inFlight.keys(), ...state.pending.keys()]);
  for (const tenantId of tenants) {
    let batch = state.inFlight.get(tenantId);
    if (!batch) {
      const calls = state.pending.get(tenantId);
      if (!calls) continue;
      state.pending.delete(tenantId);
      batch = { seq: ++state.seq, calls };
      state.inFlight.set(tenantId, batch);
    }
    if (!(await findTenant(tenantId))) {
      // Deleted meanwhile: its usage goes with it.
      state.inFlight.delete(tenantId);
      state.pending.delete(tenantId);
      continue;
    }
    try {
      const apply = (u: UsageFile) => applyBatch(u, batch, Date.now());
      let written: UsageFile;
      try {
        // Never bring back the folder of a tenant deleted while this batch waited (see deleteTenant).
        written = await storage().updateJson(usageKey(tenantId), usageFileSchema, emptyUsage, apply, { createFolder: false });
      } catch (e) {
        if (!(e instanceof MissingFolderError)) throw e;
        if (!(await findTenant(tenantId))) {
          state.inFlight.delete(tenantId);
          continue;
        }
        written = await storage().updateJson(usageKey(tenantId), usageFileSchema, emptyUsage, apply); // a live tenant with no files yet
      }
      state.inFlight.delete(tenantId);
      state.commits++;
      const month = monthOf();
      state.stored.set(storedKey(tenantId), { at: Date.now(), month, calls: written.months[month]?.apiCalls ?? 0 });
    } catch (e) {
      // Kept in flight: the next flush retries the same batch (applied once, by its number).
      console.error(`usage: writing ${tenantId}'s API calls failed, will retry:`, (e as Error).message);
      state.timer ??= setTimeout(() => {
        state.timer = undefined;
        flushUsage().catch(logFlushFailure);
      }, FLUSH_MS);
      state.timer.unref?.();
    }
  }
}

/**
 * The exit hook: what is still in memory, written synchronously (no async work runs after
 * 'exit') by `updateJsonSync`, which takes the key's lock as every write does; a lock left by this
 * very process (an async flush cut short by the exit) is taken over after a short pause.
 */
function flushUsageOnExit(): void {
  const tenants = new Set([...state.inFlight.keys(), ...state.pending.keys()]);
  for (const tenantId of tenants) {
    const batches: Batch[] = [];
    const inFlight = state.inFlight.get(tenantId);
    if (inFlight) batches.push(inFlight);
    const pending = state.pending.get(tenantId);
    if (pending) batches.push({ seq: ++state.seq, calls: pending });
    try {
      if (!tenantListedSync(tenantId)) continue; // deleted meanwhile: its usage goes with it
      storage().updateJsonSync(usageKey(tenantId), usageFileSchema, emptyUsage, (current) => {
        let u = current;
        for (const b of batches) u = applyBatch(u, b, Date.now());
        return u;
      });
      state.inFlight.delete(tenantId);
      state.pending.delete(tenantId);
    } catch (e) {
      console.error(`usage: ${tenantId}'s last API calls could not be written at exit:`, (e as Error).message);
    }
  }
}

const tenantIndexSchema = z.object({ tenants: z.array(z.object({ id: z.string() })) });
function tenantListedSync(tenantId: string): boolean {
  try {
    return storage().readJsonSync(platformPath('tenants.json'), tenantIndexSchema)?.tenants.some((t) => t.id === tenantId) ?? false;
  } catch {
    return false;
  }
}

export async function readUsage(tenantId: string): Promise<UsageFile> {
  return (await storage().readJson(usageKey(tenantId), usageFileSchema)) ?? emptyUsage();
}

/** Calls this month, including those not yet written; the stored part is re-read at most every 30 s. */
export async function apiCallsThisMonth(tenantId: string): Promise<number> {
  const month = monthOf();
  const key = storedKey(tenantId);
  let stored = state.stored.get(key);
  if (!stored || stored.month !== month || Date.now() - stored.at > 30_000) {
    const commits = state.commits;
    const u = await readUsage(tenantId);
    const fresh = { at: Date.now(), month, calls: u.months[month]?.apiCalls ?? 0 };
    // A flush that committed during the read already set the newer figure.
    if (state.commits === commits || !state.stored.has(key)) state.stored.set(key, fresh);
    stored = state.stored.get(key) ?? fresh;
  }
  const inFlight = state.inFlight.get(tenantId);
  return stored.calls + sumFor(state.pending.get(tenantId), month) + (inFlight ? sumFor(inFlight.calls, month) : 0);
}
