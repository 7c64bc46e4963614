/**
 * Hyper-parameter search (docs/training.md): grid or seeded random search over declared spaces. Trials run
 * one after another; each is reported through onTrial (so the caller records it as an
 * experiment) and onProgress(done, total); an AbortSignal stops the search between trials (and
 * is passed to the evaluation so a long trial can stop too).
 *
 * Best trial: lowest WAPE; ties (exactly equal WAPE) go to the lower `complexity` the
 * evaluation reported (e.g. number of trees; missing counts as +Infinity), then to the earlier
 * trial. Failed trials are recorded but never best.
 */
import { createRandom } from './random';

export type ParamValue = number | string | boolean;
export type TrialParams = Record<string, ParamValue>;

/** Grid: every combination of the listed values, keys varied last-fastest in declared order. */
export type GridSpace = Record<string, readonly ParamValue[]>;

/** Random search dimensions. */
export type RandomDimension =
  | { type: 'choice'; values: readonly ParamValue[] }
  | { type: 'uniform'; min: number; max: number }
  | { type: 'logUniform'; min: number; max: number }
  | { type: 'int'; min: number; max: number };
export type RandomSpace = Record<string, RandomDimension>;

/** What an evaluation returns for one trial. */
export interface TrialScore {
  wape: number;
  /** Other metrics to record with the trial (mae, per-fold values...). */
  metrics?: Record<string, number>;
  /** Size of the model for tie-breaking (e.g. trees); lower wins ties. */
  complexity?: number;
}

export interface TrialResult {
  /** 0-based order in which the trial ran. */
  index: number;
  params: TrialParams;
  status: 'ok' | 'failed';
  wape: number;
  metrics: Record<string, number>;
  complexity: number;
  durationMs: number;
  error?: string;
}

export interface SearchOptions {
  onProgress?: (done: number, total: number) => void;
  onTrial?: (trial: TrialResult) => void;
  signal?: AbortSignal;
}

export interface SearchResult {
  trials: TrialResult[];
  best: TrialResult | null;
  /** True when the signal stopped the search before every trial ran. */
  cancelled: boolean;
}

export type Evaluate = (params: TrialParams, context: { index: number; signal?: AbortSignal }) => TrialScore | Promise<TrialScore>;

/** Every combination of a grid. @throws RangeError when a dimension has no values. */
export function gridTrials(space: GridSpace): TrialParams[] {
  let out: TrialParams[] = [{}];
  for (const [key, values] of Object.entries(space)) {
    if (values.length === 0) throw new RangeError(`grid dimension ${key} has no values`);
    const next: TrialParams[] = [];
    for (const partial of out) for (const v of values) next.push({ ...partial, [key]: v });
    out = next;
  }
  return out;
}

/** `count` seeded random draws from a space. @throws RangeError on an empty or inverted range. */
export function randomTrials(space: RandomSpace, count: number, seed: number): TrialParams[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, got ${count}`);
  for (const [key, d] of Object.entries(space)) {
    if (d.type === 'choice' ? d.values.length === 0 : !(d.min <= d.max)) throw new RangeError(`random dimension ${key} is empty`);
    if (d.type === 'logUniform' && !(d.min > 0)) throw new RangeError(`logUniform dimension ${key} needs min > 0`);
  }
  const rng = createRandom(seed);
  const out: TrialParams[] = [];
  for (let t = 0; t < count; t++) {
    const params: TrialParams = {};
    for (const [key, d] of Object.entries(space)) {
      switch (d.type) {
        case 'choice':
          params[key] = d.values[rng.int(d.values.length)];
          break;
        case 'uniform':
          params[key] = d.min + rng.next() * (d.max - d.min);
          break;
        case 'logUniform':
          params[key] = Math.exp(Math.log(d.min) + rng.next() * (Math.log(d.max) - Math.log(d.min)));
          break;
        case 'int':
          params[key] = Math.ceil(d.min) + rng.int(Math.floor(d.max) - Math.ceil(d.min) + 1);
          break;
      }
    }
    out.push(params);
  }
  return out;
}

/** The best trial by the rule in the file comment, or null when none succeeded. */
export function pickBest(trials: readonly TrialResult[]): TrialResult | null {
  let best: TrialResult | null = null;
  for (const t of trials) {
    if (t.status !== 'ok' || Number.isNaN(t.wape)) continue;
    if (
      best === null ||
      t.wape < best.wape ||
      (t.wape === best.wape && (t.complexity < best.complexity || (t.complexity === best.complexity && t.index < best.index)))
    ) {
      best = t;
    }
  }
  return best;
}

/** Runs the given trials in order; see the file comment. */
export async function runSearch(trials: readonly TrialParams[], evaluate: Evaluate, options: SearchOptions = {}): Promise<SearchResult> {
  const results: TrialResult[] = [];
  const total = trials.length;
  options.onProgress?.(0, total);
  let cancelled = false;
  for (let index = 0; index < total; index++) {
    if (options.signal?.aborted) {
      cancelled = true;
      break;
    }
    const params = trials[index];
    const started = performance.now();
    let result: TrialResult;
    try {
      const score = await evaluate(params, { index, signal: options.signal });
      result = {
        index,
        params,
        status: 'ok',
        wape: score.wape,
        metrics: { ...(score.metrics ?? {}), wape: score.wape },
        complexity: score.complexity ?? Number.POSITIVE_INFINITY,
        durationMs: performance.now() - started,
      };
    } catch (err) {
      if (options.signal?.aborted) {
        cancelled = true;
        break;
      }
      result = {
        index,
        params,
        status: 'failed',
        wape: Number.NaN,
        metrics: {},
        complexity: Number.POSITIVE_INFINITY,
        durationMs: performance.now() - started,
        error: err instanceof Error ? err.message : String(err),
      };
    }
    results.push(result);
    options.onTrial?.(result);
    options.onProgress?.(index + 1, total);
  }
  return { trials: results, best: pickBest(results), cancelled };
}

/** Grid search: every combination of `space`. */
export function gridSearch(space: GridSpace, evaluate: Evaluate, options?: SearchOptions): Promise<SearchResult> {
  return runSearch(gridTrials(space), evaluate, options);
}

/** Random search: `count` seeded draws from `space`. */
export function randomSearch(space: RandomSpace, count: number, seed: number, evaluate: Evaluate, options?: SearchOptions): Promise<SearchResult> {
  return runSearch(randomTrials(space, count, seed), evaluate, options);
}
