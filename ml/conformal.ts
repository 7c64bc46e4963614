/**
 * Split-conformal prediction intervals (Vovk et al. 2005; Lei et al. 2018) calibrated per
 * horizon band: for each band (default 1-7, 8-28, 29-90 days ahead) the half-width at level L
 * is the ceil((n + 1) L)-th smallest absolute backtest residual |actual - predicted| of that
 * band, giving intervals [p - q, p + q] that cover at least L of future actuals when residuals
 * are exchangeable.
 *
 * Policies: a band with fewer than `minBandResiduals` residuals (e.g. the 29-90 day band of a
 * store total backtested 30 days ahead: two horizons per window) adds those of the horizons
 * nearest to it, a horizon at a time, until it has enough; its quantile would otherwise be the
 * largest of a handful of residuals, a spike in the band. A band still too small for a level
 * (ceil((n + 1) L) > n) uses the quantile of all residuals pooled; a horizon beyond the last band
 * uses the last band; if even the pooled residuals are too few, the half-width is +Infinity (an
 * honest "unknown").
 */
import { z } from 'zod';
import { checkInteger, mergeOptions, notFitted, parseEnvelope, type ModelJSON } from './contract';

export interface HorizonBand {
  /** First and last horizon (in periods ahead, 1-based, inclusive). */
  from: number;
  to: number;
}

export const DEFAULT_HORIZON_BANDS: readonly HorizonBand[] = Object.freeze([
  { from: 1, to: 7 },
  { from: 8, to: 28 },
  { from: 29, to: 90 },
]);

/**
 * The conformal quantile: the ceil((n + 1) level)-th smallest value of `scores`
 * (+Infinity when that rank exceeds n).
 * @throws RangeError when level is not in (0, 1).
 */
export function conformalQuantile(scores: ArrayLike<number>, level: number): number {
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  const n = scores.length;
  const rank = Math.ceil((n + 1) * level);
  if (rank > n) return Number.POSITIVE_INFINITY;
  const sorted = Float64Array.from(scores).sort();
  return sorted[rank - 1];
}

/**
 * Share of actuals inside [lower, upper] (bounds inclusive).
 * @throws RangeError when the lengths differ or are zero.
 */
export function coverage(actual: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>): number {
  if (actual.length !== lower.length || actual.length !== upper.length) throw new RangeError('actual, lower and upper differ in length');
  if (actual.length === 0) throw new RangeError('coverage of no values');
  let inside = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i] >= lower[i] && actual[i] <= upper[i]) inside++;
  return inside / actual.length;
}

export interface ConformalOptions {
  bands: HorizonBand[];
  /** Nominal coverage levels, each in (0, 1). */
  levels: number[];
  /** A band with fewer residuals borrows those of its nearest bands (see the file comment). */
  minBandResiduals: number;
  seed: number;
}

export const CONFORMAL_DEFAULTS: Readonly<ConformalOptions> = Object.freeze({
  bands: DEFAULT_HORIZON_BANDS.map((b) => ({ ...b })),
  levels: [0.8, 0.95],
  minBandResiduals: 30,
  seed: 42,
});

const KIND = 'ConformalIntervals';
const SCHEMA_VERSION = 1;
const paramsSchema = z.object({
  /** halfWidths[band][level]; null stands for +Infinity in JSON. */
  halfWidths: z.array(z.array(z.number().nullable())),
  residualCounts: z.array(z.number().int().min(0)),
});

function validateOptions(o: ConformalOptions): void {
  if (!Array.isArray(o.bands) || o.bands.length === 0) throw new RangeError('option bands must be a non-empty array');
  let prevTo = 0;
  for (const b of o.bands) {
    checkInteger('bands.from', b.from, 1);
    checkInteger('bands.to', b.to, b.from);
    if (b.from !== prevTo + 1) throw new RangeError(`option bands must be contiguous from horizon 1, got a band starting at ${b.from}`);
    prevTo = b.to;
  }
  if (!Array.isArray(o.levels) || o.levels.length === 0) throw new RangeError('option levels must be a non-empty array');
  for (const l of o.levels) if (!(typeof l === 'number' && l > 0 && l < 1)) throw new RangeError(`option levels must be in (0, 1), got ${l}`);
  checkInteger('minBandResiduals', o.minBandResiduals, 1);
  checkInteger('seed', o.seed, -(2 ** 31), 2 ** 32 - 1);
}

/** Lower and upper bounds at one level. */
export interface Interval {
  level: number;
  lower: Float64Array;
  upper: Float64Array;
}

/** Conformal intervals per horizon band, calibrated on backtest residuals. */
export class ConformalIntervals {
  static readonly DEFAULT_OPTIONS = CONFORMAL_DEFAULTS;
  readonly options: Readonly<ConformalOptions>;
  private halfWidths: number[][] | null = null;
  private counts: number[] = [];

  /** @throws RangeError naming the first invalid option. */
  constructor(options?: Partial<ConformalOptions>) {
    const merged = mergeOptions(CONFORMAL_DEFAULTS, options);
    validateOptions(merged);
    this.options = Object.freeze({ ...merged, bands: merged.bands.map((b) => ({ ...b })), levels: [...merged.levels] });
  }

  private bandOf(h: number): number {
    if (!Number.isInteger(h) || h < 1) throw new RangeError(`horizon must be a positive integer, got ${h}`);
    const bands = this.options.bands;
    for (let i = 0; i < bands.length; i++) if (h <= bands[i].to) return i;
    return bands.length - 1;
  }

  /**
   * Calibrates from backtest forecasts: residual[i] = actual[i] - predicted[i] made horizon[i]
   * periods ahead. Inputs are not modified.
   * @throws RangeError when lengths differ, a residual is not finite or a horizon is invalid.
   */
  fit(actual: ArrayLike<number>, predicted: ArrayLike<number>, horizons: ArrayLike<number>): this {
    if (actual.length !== predicted.length || actual.length !== horizons.length) {
      throw new RangeError('actual, predicted and horizons differ in length');
    }
    const bands = this.options.bands;
    const perBand: number[][] = bands.map(() => []);
    const perHorizon = new Map<number, number[]>();
    const all: number[] = [];
    for (let i = 0; i < actual.length; i++) {
      const r = Math.abs(actual[i] - predicted[i]);
      if (!Number.isFinite(r)) throw new RangeError(`residual ${i} is not finite`);
      const h = horizons[i];
      perBand[this.bandOf(h)].push(r);
      const list = perHorizon.get(h);
      if (list) list.push(r);
      else perHorizon.set(h, [r]);
      all.push(r);
    }
    // A thin band takes the residuals of the horizons nearest to it (by distance to the band,
    // nearer first, a whole horizon at a time) until it has minBandResiduals.
    const min = this.options.minBandResiduals;
    const scoresOf = (b: number): number[] => {
      if (perBand[b].length >= min) return perBand[b];
      const { from, to } = bands[b];
      const last = b === bands.length - 1;
      const outside = [...perHorizon.keys()]
        .filter((h) => h < from || (h > to && !last))
        .map((h) => ({ h, d: h < from ? from - h : h - to }))
        .sort((x, y) => x.d - y.d || x.h - y.h);
      const out = [...perBand[b]];
      for (const { h } of outside) {
        if (out.length >= min) break;
        out.push(...(perHorizon.get(h) as number[]));
      }
      return out;
    };
    const used = bands.map((_, b) => scoresOf(b));
    this.halfWidths = used.map((scores) =>
      this.options.levels.map((level) => {
        const q = conformalQuantile(scores, level);
        return Number.isFinite(q) ? q : conformalQuantile(all, level);
      }),
    );
    this.counts = used.map((s) => s.length);
    return this;
  }

  /** Half-width of the interval at `level` for a forecast `horizon` periods ahead. */
  halfWidth(horizon: number, level: number): number {
    const hw = this.halfWidths ?? notFitted(KIND);
    const li = this.options.levels.indexOf(level);
    if (li < 0) throw new RangeError(`level ${level} was not calibrated (levels: ${this.options.levels.join(', ')})`);
    return hw[this.bandOf(horizon)][li];
  }

  /** Intervals at every calibrated level around the point forecasts. */
  intervals(predicted: ArrayLike<number>, horizons: ArrayLike<number>): Interval[] {
    if (predicted.length !== horizons.length) throw new RangeError('predicted and horizons differ in length');
    return this.options.levels.map((level) => {
      const lower = new Float64Array(predicted.length);
      const upper = new Float64Array(predicted.length);
      for (let i = 0; i < predicted.length; i++) {
        const q = this.halfWidth(horizons[i], level);
        lower[i] = predicted[i] - q;
        upper[i] = predicted[i] + q;
      }
      return { level, lower, upper };
    });
  }

  /** Residuals each band's quantile was taken over in the last fit (its own and any borrowed). */
  get residualCounts(): readonly number[] {
    return this.counts;
  }

  toJSON(): ModelJSON<ConformalOptions, z.infer<typeof paramsSchema>> {
    const hw = this.halfWidths ?? notFitted(KIND);
    return {
      kind: KIND,
      schemaVersion: SCHEMA_VERSION,
      options: { ...this.options, bands: this.options.bands.map((b) => ({ ...b })), levels: [...this.options.levels] },
      seed: this.options.seed,
      params: { halfWidths: hw.map((row) => row.map((q) => (Number.isFinite(q) ? q : null))), residualCounts: [...this.counts] },
    };
  }

  /** @throws Error when kind or schemaVersion differ or the widths do not match the options. */
  static fromJSON(json: unknown): ConformalIntervals {
    const env = parseEnvelope(json, KIND, SCHEMA_VERSION, paramsSchema);
    const c = new ConformalIntervals(env.options as Partial<ConformalOptions>);
    const hw = env.params.halfWidths;
    if (hw.length !== c.options.bands.length || hw.some((row) => row.length !== c.options.levels.length)) {
      throw new Error('ConformalIntervals widths do not match its bands and levels');
    }
    c.halfWidths = hw.map((row) => row.map((q) => q ?? Number.POSITIVE_INFINITY));
    c.counts = env.params.residualCounts;
    return c;
  }
}
