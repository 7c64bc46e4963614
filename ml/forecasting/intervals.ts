/**
 * Scaled split-conformal intervals for one forecast level (docs/ml.md). Each backtest residual is
 * divided by the scale of its series or group (its mean over the last `scaleWindow` periods
 * before the origin, plus a floor of 10% of the level's mean scale so a silent series does not
 * divide by zero), and `ml/conformal.ts` takes the conformal quantile of those normalised
 * residuals per horizon band. An interval is then forecast +- quantile * (scale + floor): a big
 * store gets a wide band, a slow item a narrow one, and marginal coverage keeps its conformal
 * guarantee (Lei et al. 2018, "locally weighted" conformal) as long as backtest and future
 * residuals are exchangeable.
 */
import { z } from 'zod';
import { ConformalIntervals, type HorizonBand } from '../conformal';
import { checkInteger, checkNumber } from '../contract';

export const INTERVAL_LEVELS: readonly number[] = Object.freeze([0.8, 0.95]);

/** Horizon bands: daily 1-7, 8-28, 29-90 days; weekly 1-2, 3-4, 5-13 weeks. */
export function horizonBands(step: 1 | 7): HorizonBand[] {
  return step === 1
    ? [
        { from: 1, to: 7 },
        { from: 8, to: 28 },
        { from: 29, to: 90 },
      ]
    : [
        { from: 1, to: 2 },
        { from: 3, to: 4 },
        { from: 5, to: 13 },
      ];
}

/** Periods the scale of a series is measured over: 28 days or 8 weeks. */
export function scaleWindowOf(step: 1 | 7): number {
  return step === 1 ? 28 : 8;
}

/** Mean of the finite values among the last `window` entries of `history` (0 when none). */
export function recentLevel(history: ArrayLike<number>, window: number): number {
  let sum = 0;
  let n = 0;
  for (let i = Math.max(0, history.length - window); i < history.length; i++) {
    const v = history[i];
    if (Number.isFinite(v)) {
      sum += Math.abs(v);
      n++;
    }
  }
  return n > 0 ? sum / n : 0;
}

const KIND = 'foresight.scaled-conformal';
const SCHEMA_VERSION = 1;
export const scaledConformalSchema = z.object({
  kind: z.literal(KIND),
  schemaVersion: z.literal(SCHEMA_VERSION),
  floor: z.number().min(0),
  residuals: z.number().int().min(0),
  conformal: z.unknown(),
});
export type ScaledConformalJSON = z.infer<typeof scaledConformalSchema>;

/** Calibrated interval widths of one level. */
export class ScaledConformal {
  private constructor(
    readonly floor: number,
    readonly residuals: number,
    private readonly conformal: ConformalIntervals,
  ) {}

  /**
   * Calibrates on backtest samples: actual[i], predicted[i] made horizon[i] periods ahead for a
   * series or group whose scale was scale[i]. Non-finite actuals are skipped.
   * @throws RangeError on mismatched lengths, a bad step or no usable sample.
   */
  static calibrate(
    samples: { actual: ArrayLike<number>; predicted: ArrayLike<number>; horizon: ArrayLike<number>; scale: ArrayLike<number> },
    step: 1 | 7,
    groupScales: ArrayLike<number>,
  ): ScaledConformal {
    const { actual, predicted, horizon, scale } = samples;
    const n = actual.length;
    if (predicted.length !== n || horizon.length !== n || scale.length !== n) throw new RangeError('calibration samples differ in length');
    let meanScale = 0;
    for (let i = 0; i < groupScales.length; i++) meanScale += groupScales[i] / groupScales.length;
    const floor = Math.max(0.1 * meanScale, 1e-9);
    const a: number[] = [];
    const p: number[] = [];
    const h: number[] = [];
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(actual[i]) || !Number.isFinite(predicted[i])) continue;
      checkInteger('horizon', horizon[i], 1);
      checkNumber('scale', scale[i], 0);
      const d = scale[i] + floor;
      a.push(actual[i] / d);
      p.push(predicted[i] / d);
      h.push(horizon[i]);
    }
    if (a.length === 0) throw new RangeError('no backtest residual to calibrate intervals on');
    const conformal = new ConformalIntervals({ bands: horizonBands(step), levels: [...INTERVAL_LEVELS] }).fit(a, p, h);
    return new ScaledConformal(floor, a.length, conformal);
  }

  /** Half-width of the `level` interval, `horizon` periods ahead, for a series or group of `scale`. */
  halfWidth(horizon: number, level: number, scale: number): number {
    // A higher level is never narrower: ml/conformal.ts falls back to pooled residuals when a band
    // has too few for a level, and the pooled 95% quantile can be below the band's 80% one.
    let q = this.conformal.halfWidth(horizon, level);
    for (const l of INTERVAL_LEVELS) if (l < level) q = Math.max(q, this.conformal.halfWidth(horizon, l));
    return q * (scale + this.floor);
  }

  toJSON(): ScaledConformalJSON {
    return { kind: KIND, schemaVersion: SCHEMA_VERSION, floor: this.floor, residuals: this.residuals, conformal: this.conformal.toJSON() };
  }

  /** @throws ZodError / Error when kind, version or content do not match. */
  static fromJSON(json: unknown): ScaledConformal {
    const parsed = scaledConformalSchema.parse(json);
    return new ScaledConformal(parsed.floor, parsed.residuals, ConformalIntervals.fromJSON(parsed.conformal));
  }
}
