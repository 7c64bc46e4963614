/**
 * Model decay (docs/monitoring.md): the production model's live error on days that arrived after it was
 * trained, per day and over rolling windows, beside seasonal naive on the same days, against the
 * WAPE the version was registered with. Decay = the latest full window's WAPE worse than that
 * reference by more than a relative tolerance: wape > reference * (1 + tolerance).
 *
 * Input is the (series, day) pairs of the scored days: the actual, the model's forecast and
 * seasonal naive's forecast, all made from the same origin. Pairs with a non-finite actual are
 * skipped; a non-finite forecast counts as 0 (as in training's hold-out evaluation).
 */

export interface LivePairs {
  /** Day number of each pair. */
  day: ArrayLike<number>;
  actual: ArrayLike<number>;
  predicted: ArrayLike<number>;
  naive: ArrayLike<number>;
}

/** Error sums of one day over every series. */
export interface DayError {
  day: number;
  pairs: number;
  /** Sum of |actual|. */
  actual: number;
  /** Sum of the model's forecasts. */
  predicted: number;
  /** Sum of |forecast - actual| for the model and for seasonal naive. */
  absError: number;
  naiveAbsError: number;
  /** absError / actual (null when the day sold nothing). */
  wape: number | null;
  naiveWape: number | null;
}

export interface ErrorWindow {
  from: number;
  to: number;
  /** Days of the window that have actuals. */
  days: number;
  /** True when the scored days cover the whole window. */
  full: boolean;
  wape: number | null;
  naiveWape: number | null;
  /** wape / reference (null without either). */
  ratio: number | null;
  decayed: boolean;
}

export interface DecayOptions {
  /** Window length in days (14 by default in the settings). */
  windowDays: number;
  /** Days between periods: 1 daily, 7 weekly. */
  step: number;
  /** The version's hold-out WAPE; null when it has none (then nothing is judged decayed). */
  referenceWape: number | null;
  /** Relative tolerance (0.05 = 5% worse). */
  tolerance: number;
}

export interface DecaySummary {
  daily: (DayError & { rollingWape: number | null; rollingNaiveWape: number | null })[];
  /** Consecutive windows anchored at the last scored day, newest first. */
  windows: ErrorWindow[];
  /** The newest window (full or not), or null when no day was scored. */
  current: ErrorWindow | null;
  /** reference * (1 + tolerance), the WAPE above which a window is decayed. */
  threshold: number | null;
  /** 'decayed' / 'healthy' on a full newest window; 'collecting' before a full window; 'no-reference' without a reference WAPE. */
  status: 'decayed' | 'healthy' | 'collecting' | 'no-reference' | 'no-data';
}

const ratioOf = (num: number, den: number): number | null => (den > 0 ? num / den : null);

/** Error sums per day, ordered by day. @throws RangeError when the arrays differ in length. */
export function dailyErrors(pairs: LivePairs): DayError[] {
  const n = pairs.day.length;
  if (pairs.actual.length !== n || pairs.predicted.length !== n || pairs.naive.length !== n) throw new RangeError('day, actual, predicted and naive must have the same length');
  const byDay = new Map<number, DayError>();
  for (let i = 0; i < n; i++) {
    const a = pairs.actual[i];
    if (!Number.isFinite(a)) continue;
    const p = Number.isFinite(pairs.predicted[i]) ? pairs.predicted[i] : 0;
    const s = Number.isFinite(pairs.naive[i]) ? pairs.naive[i] : 0;
    const d = pairs.day[i];
    let e = byDay.get(d);
    if (!e) {
      e = { day: d, pairs: 0, actual: 0, predicted: 0, absError: 0, naiveAbsError: 0, wape: null, naiveWape: null };
      byDay.set(d, e);
    }
    e.pairs++;
    e.actual += Math.abs(a);
    e.predicted += p;
    e.absError += Math.abs(p - a);
    e.naiveAbsError += Math.abs(s - a);
  }
  const out = [...byDay.values()].sort((x, y) => x.day - y.day);
  for (const e of out) {
    e.wape = ratioOf(e.absError, e.actual);
    e.naiveWape = ratioOf(e.naiveAbsError, e.actual);
  }
  return out;
}

/** True when `wape` is worse than `reference` by more than `tolerance` (relative). */
export function isDecayed(wape: number | null, reference: number | null, tolerance: number): boolean {
  return wape !== null && reference !== null && Number.isFinite(reference) && wape > reference * (1 + tolerance);
}

/** The window [start, to] of daily errors; one that starts before the first scored day is cut there and not full. */
function windowOf(daily: readonly DayError[], start: number, to: number, firstScored: number, o: DecayOptions): ErrorWindow {
  const full = start >= firstScored;
  const from = full ? start : firstScored;
  let act = 0;
  let err = 0;
  let nerr = 0;
  let days = 0;
  for (const e of daily) {
    if (e.day < from || e.day > to) continue;
    act += e.actual;
    err += e.absError;
    nerr += e.naiveAbsError;
    days++;
  }
  const wape = ratioOf(err, act);
  const ratio = wape !== null && o.referenceWape !== null && o.referenceWape > 0 ? wape / o.referenceWape : null;
  return { from, to, days, full, wape, naiveWape: ratioOf(nerr, act), ratio, decayed: full && isDecayed(wape, o.referenceWape, o.tolerance) };
}

/**
 * Daily errors with the trailing-window WAPE of each day (null until a full window), the
 * consecutive windows ending at the last scored day, and the verdict on the newest one.
 * @throws RangeError on a window shorter than one period, a bad step or a negative tolerance.
 */
export function summariseDecay(pairs: LivePairs, o: DecayOptions): DecaySummary {
  if (!(o.step === 1 || o.step === 7)) throw new RangeError(`step must be 1 or 7, got ${o.step}`);
  if (!(Number.isFinite(o.windowDays) && o.windowDays >= o.step)) throw new RangeError(`windowDays must be at least one period (${o.step}), got ${o.windowDays}`);
  if (!(o.tolerance >= 0)) throw new RangeError(`tolerance must be >= 0, got ${o.tolerance}`);
  const daily = dailyErrors(pairs);
  const reference = o.referenceWape !== null && Number.isFinite(o.referenceWape) ? o.referenceWape : null;
  const opts = { ...o, referenceWape: reference };
  const threshold = reference === null ? null : reference * (1 + o.tolerance);
  if (daily.length === 0) return { daily: [], windows: [], current: null, threshold, status: 'no-data' };
  const first = daily[0].day;
  const last = daily[daily.length - 1].day;
  // A window holds the periods (to - windowDays, to]: 14 days, or 2 weeks of weekly data.
  const span = Math.floor(o.windowDays / o.step) * o.step;
  const rolled = daily.map((e) => {
    const w = windowOf(daily, e.day - span + o.step, e.day, first, opts);
    return { ...e, rollingWape: w.full ? w.wape : null, rollingNaiveWape: w.full ? w.naiveWape : null };
  });
  const windows: ErrorWindow[] = [];
  for (let to = last; to >= first; to -= span) windows.push(windowOf(daily, to - span + o.step, to, first, opts));
  const current = windows[0];
  const status = reference === null ? 'no-reference' : !current.full ? 'collecting' : current.decayed ? 'decayed' : 'healthy';
  return { daily: rolled, windows, current, threshold, status };
}
