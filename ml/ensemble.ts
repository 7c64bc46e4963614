/**
 * A weighted average of models' forecasts with weights fitted on a validation window:
 *   min_w || P w - y ||^2   subject to  w >= 0, sum w = 1
 * solved by accelerated projected gradient (FISTA, Beck & Teboulle 2009) on the k x k Gram
 * matrix, with Euclidean projection onto the simplex (Duchi et al. 2008). Members are combined by
 * their predictions, so any model (trees, ridge, a baseline) can take part.
 */
import { z } from 'zod';
import { checkInteger, checkNumber, mergeOptions, notFitted, parseEnvelope, type ModelJSON } from './contract';

/** Euclidean projection of v onto the probability simplex (Duchi et al. 2008, fig. 1). */
export function projectOntoSimplex(v: ArrayLike<number>): Float64Array {
  const k = v.length;
  const u = Float64Array.from(v).sort().reverse();
  let cumulative = 0;
  let theta = 0;
  for (let j = 0; j < k; j++) {
    cumulative += u[j];
    const t = (cumulative - 1) / (j + 1);
    if (u[j] - t > 0) theta = t;
  }
  const w = new Float64Array(k);
  for (let j = 0; j < k; j++) w[j] = Math.max(0, v[j] - theta);
  return w;
}

export interface SimplexFitOptions {
  maxIterations: number;
  /** Stop when no weight moves by more than this in an iteration. */
  tolerance: number;
}

/**
 * Non-negative weights summing to one that minimise the squared error of the weighted forecast.
 * @throws RangeError when there are no members or the lengths differ.
 */
export function fitSimplexWeights(
  predictions: readonly ArrayLike<number>[],
  actual: ArrayLike<number>,
  options: SimplexFitOptions = { maxIterations: 10_000, tolerance: 1e-12 },
): Float64Array {
  const k = predictions.length;
  if (k === 0) throw new RangeError('an ensemble needs at least one member');
  const n = actual.length;
  for (const p of predictions) if (p.length !== n) throw new RangeError(`member has ${p.length} predictions, actual has ${n}`);
  if (k === 1) return Float64Array.of(1);
  const G = new Float64Array(k * k);
  const b = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const pi = predictions[i];
    for (let r = 0; r < n; r++) b[i] += pi[r] * actual[r];
    for (let j = i; j < k; j++) {
      const pj = predictions[j];
      let s = 0;
      for (let r = 0; r < n; r++) s += pi[r] * pj[r];
      G[i * k + j] = s;
      G[j * k + i] = s;
    }
  }
  // Largest eigenvalue of G by power iteration gives the Lipschitz constant 2 * lambda_max.
  let vec: Float64Array = new Float64Array(k).fill(1 / Math.sqrt(k));
  let lambda = 0;
  for (let it = 0; it < 100; it++) {
    const next = new Float64Array(k);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) next[i] += G[i * k + j] * vec[j];
    const norm = Math.hypot(...next);
    if (norm === 0) break;
    lambda = norm;
    vec = next.map((x) => x / norm);
  }
  if (lambda === 0) return new Float64Array(k).fill(1 / k);
  const step = 1 / (2 * lambda * 1.01);
  let w: Float64Array = new Float64Array(k).fill(1 / k);
  let y: Float64Array = w.slice();
  let t = 1;
  for (let it = 0; it < options.maxIterations; it++) {
    const grad = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      let s = -b[i];
      for (let j = 0; j < k; j++) s += G[i * k + j] * y[j];
      grad[i] = 2 * s;
    }
    const next = projectOntoSimplex(y.map((x, i) => x - step * grad[i]));
    const tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    let moved = 0;
    for (let i = 0; i < k; i++) moved = Math.max(moved, Math.abs(next[i] - w[i]));
    y = next.map((x, i) => x + ((t - 1) / tNext) * (x - w[i]));
    w = next;
    t = tNext;
    if (moved < options.tolerance) break;
  }
  return w;
}

export interface WeightedEnsembleOptions extends SimplexFitOptions {
  seed: number;
}

export const WEIGHTED_ENSEMBLE_DEFAULTS: Readonly<WeightedEnsembleOptions> = Object.freeze({
  maxIterations: 10_000,
  tolerance: 1e-12,
  seed: 42,
});

const KIND = 'WeightedEnsemble';
const SCHEMA_VERSION = 1;
const paramsSchema = z.object({ members: z.array(z.string()), weights: z.array(z.number().min(0)) });

/** Combines members' predictions with simplex weights fitted on validation forecasts. */
export class WeightedEnsemble {
  static readonly DEFAULT_OPTIONS = WEIGHTED_ENSEMBLE_DEFAULTS;
  readonly options: Readonly<WeightedEnsembleOptions>;
  private fitted: { members: string[]; weights: Float64Array } | null = null;

  /** @throws RangeError naming the first invalid option. */
  constructor(options?: Partial<WeightedEnsembleOptions>) {
    const merged = mergeOptions(WEIGHTED_ENSEMBLE_DEFAULTS, options);
    checkInteger('maxIterations', merged.maxIterations, 1);
    checkNumber('tolerance', merged.tolerance, 0);
    checkInteger('seed', merged.seed, -(2 ** 31), 2 ** 32 - 1);
    this.options = Object.freeze(merged);
  }

  /**
   * Fits the weights from each member's validation predictions (never its training fit).
   * @throws RangeError when there are no members, names and predictions disagree, or lengths differ.
   */
  fit(predictions: readonly Float64Array[], actual: Float64Array, members?: readonly string[]): this {
    const names = members ? [...members] : predictions.map((_, i) => `m${i}`);
    if (names.length !== predictions.length) throw new RangeError(`${names.length} member names for ${predictions.length} members`);
    this.fitted = { members: names, weights: fitSimplexWeights(predictions, actual, this.options) };
    return this;
  }

  /** Weights by member name (non-negative, summing to one). */
  get weights(): ReadonlyMap<string, number> {
    const f = this.fitted ?? notFitted(KIND);
    return new Map(f.members.map((m, i) => [m, f.weights[i]]));
  }

  /** The weighted forecast. @throws RangeError when the number of members or lengths differ. */
  combine(predictions: readonly Float64Array[]): Float64Array {
    const f = this.fitted ?? notFitted(KIND);
    if (predictions.length !== f.weights.length) throw new RangeError(`expected ${f.weights.length} members, got ${predictions.length}`);
    const n = predictions[0].length;
    const out = new Float64Array(n);
    predictions.forEach((p, j) => {
      if (p.length !== n) throw new RangeError('members have different numbers of predictions');
      const w = f.weights[j];
      if (w === 0) return;
      for (let i = 0; i < n; i++) out[i] += w * p[i];
    });
    return out;
  }

  toJSON(): ModelJSON<WeightedEnsembleOptions, z.infer<typeof paramsSchema>> {
    const f = this.fitted ?? notFitted(KIND);
    return {
      kind: KIND,
      schemaVersion: SCHEMA_VERSION,
      options: { ...this.options },
      seed: this.options.seed,
      params: { members: [...f.members], weights: Array.from(f.weights) },
    };
  }

  /** @throws Error when kind or schemaVersion differ or the weights are malformed. */
  static fromJSON(json: unknown): WeightedEnsemble {
    const env = parseEnvelope(json, KIND, SCHEMA_VERSION, paramsSchema);
    const e = new WeightedEnsemble(env.options as Partial<WeightedEnsembleOptions>);
    if (env.params.members.length !== env.params.weights.length) throw new Error('WeightedEnsemble members and weights differ in length');
    e.fitted = { members: env.params.members, weights: Float64Array.from(env.params.weights) };
    return e;
  }
}
