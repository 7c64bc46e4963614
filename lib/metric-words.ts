/**
 * Accuracy said as a person would, for every page and report that shows a model's figures
 * (Overview, Models, Experiments, Monitoring, the PDFs): each metric's name in words and its
 * definition (the tooltips), how its values read, which direction is better (one rule for every
 * comparison's colour), and the sentences "typical daily error 68% of sales; 31% smaller than
 * repeating last week" and "adds nothing over repeating last year's week". Pure.
 */
import type { Formatter, Measure } from './format';

/** Which way a metric is better: lower, higher, or closer to a target value. */
export type Better = { kind: 'lower' } | { kind: 'higher' } | { kind: 'closer'; to: number } | { kind: 'none' };

export interface MetricWords {
  /** The metric in words: "Typical error". */
  name: string;
  /** Its technical name: "WAPE". */
  short: string;
  /** One or two sentences a manager understands, saying which direction is better. */
  definition: string;
  better: Better;
  /** How a value reads: a share (%), an amount of the data's measure, a plain ratio, seconds or a count. */
  kind: 'share' | 'measure' | 'ratio' | 'seconds' | 'count';
}

const LOWER: Better = { kind: 'lower' };
const HIGHER: Better = { kind: 'higher' };

export const METRIC_WORDS: Readonly<Record<string, MetricWords>> = {
  wape: {
    name: 'Typical error',
    short: 'WAPE',
    definition: 'Weighted absolute percentage error: the forecast’s misses added up without their sign, as a share of actual sales in the same periods. 10% means it was off by 10 units for every 100 sold. Lower is better.',
    better: LOWER,
    kind: 'share',
  },
  smape: {
    name: 'Symmetric error',
    short: 'sMAPE',
    definition: 'Symmetric mean absolute percentage error: per period, the miss divided by the average of forecast and actual, then averaged. Over- and under-forecasts count alike and zero sales do not break it. Lower is better.',
    better: LOWER,
    kind: 'share',
  },
  mape: {
    name: 'Average percentage error',
    short: 'MAPE',
    definition: 'Mean absolute percentage error: the miss as a share of the actual, averaged over the periods with sales (periods without sales are left out). A slow seller weighs as much as a best seller. Lower is better.',
    better: LOWER,
    kind: 'share',
  },
  mae: { name: 'Average miss', short: 'MAE', definition: 'Mean absolute error: the average distance between forecast and actual per series and period, in the data’s own measure. Lower is better.', better: LOWER, kind: 'measure' },
  rmse: { name: 'Miss, large ones weighed more', short: 'RMSE', definition: 'Root mean squared error: like the average miss, but a large miss counts more than several small ones. Lower is better.', better: LOWER, kind: 'measure' },
  r2: { name: 'Variation explained', short: 'R²', definition: 'How much of the rise and fall of the actuals the forecast follows: 1 is all of it, 0 no better than their average. Higher is better.', better: HIGHER, kind: 'ratio' },
  bias: {
    name: 'Bias',
    short: 'bias',
    definition: 'The average of forecast minus actual: above zero the model forecasts too much on average, below zero too little. Closer to zero is better.',
    better: { kind: 'closer', to: 0 },
    kind: 'measure',
  },
  fva: {
    name: 'Value added over the baseline',
    short: 'FVA',
    definition: 'Forecast value added: how much smaller the model’s typical error is than that of the seasonal naive baseline (repeating last week, or last year’s week for weekly data): 1 − WAPE ÷ baseline WAPE. Higher is better; zero or less means the model adds nothing.',
    better: HIGHER,
    kind: 'share',
  },
  coverage_p80: {
    name: '80% range hit rate',
    short: 'coverage 80%',
    definition: 'The share of actual values that fell inside the forecast’s 80% range. Near 80% the ranges are honest; far below, they are too narrow. Closer to 80% is better.',
    better: { kind: 'closer', to: 0.8 },
    kind: 'share',
  },
  coverage_p95: {
    name: '95% range hit rate',
    short: 'coverage 95%',
    definition: 'The share of actual values that fell inside the forecast’s 95% range. Near 95% the ranges are honest; far below, they are too narrow. Closer to 95% is better.',
    better: { kind: 'closer', to: 0.95 },
    kind: 'share',
  },
  naive: {
    name: 'Baseline’s error',
    short: 'seasonal naive',
    definition: 'The typical error of the simplest forecast there is: repeating last week (the same weekday), or for weekly data the same week last year. A model is worth using only when its own error is clearly smaller. Lower is better.',
    better: LOWER,
    kind: 'share',
  },
  validationWape: {
    name: 'Error on the validation window',
    short: 'validation WAPE',
    definition: 'The typical error on the weeks before the hold-out, forecast by the model trained on the data before them. The best model is chosen by this figure, so that the hold-out figures stay an honest test of the choice. Lower is better.',
    better: LOWER,
    kind: 'share',
  },
  fitSeconds: { name: 'Training time', short: 'fit seconds', definition: 'Seconds the model took to learn from the training window (shorter retrains sooner; it says nothing about accuracy).', better: LOWER, kind: 'seconds' },
  n: { name: 'Forecasts scored', short: 'n', definition: 'How many forecasts (series × periods of the hold-out) the figures are computed on: the more, the more they can be trusted.', better: { kind: 'none' }, kind: 'count' },
};

/** The words of a metric; per-fold errors (`fold2_wape`) and unknown names get readable ones. */
export function metricWords(key: string): MetricWords {
  const known = METRIC_WORDS[key];
  if (known) return known;
  const fold = /^fold(\d+)_(\w+)$/.exec(key);
  if (fold && METRIC_WORDS[fold[2]]) {
    const base = METRIC_WORDS[fold[2]];
    return { ...base, name: `${base.name}, validation window ${fold[1]}`, short: `${base.short} fold ${fold[1]}`, definition: `${base.definition} Measured on the ${ordinal(Number(fold[1]))} rolling-origin validation window.` };
  }
  return { name: key.replace(/_/g, ' '), short: key, definition: `${key} as recorded by the training run.`, better: { kind: 'none' }, kind: 'ratio' };
}

const ordinal = (n: number) => `${n}${n % 10 === 1 && n % 100 !== 11 ? 'st' : n % 10 === 2 && n % 100 !== 12 ? 'nd' : n % 10 === 3 && n % 100 !== 13 ? 'rd' : 'th'}`;

/** The order metrics are listed in: the everyday ones first. */
export const METRIC_ORDER = ['wape', 'fva', 'bias', 'mae', 'rmse', 'smape', 'mape', 'r2', 'coverage_p80', 'coverage_p95', 'validationWape', 'n', 'fitSeconds'];

/** Metric names in METRIC_ORDER, the unknown ones after in name order. */
export function orderMetrics(keys: Iterable<string>): string[] {
  const rank = (k: string) => {
    const i = METRIC_ORDER.indexOf(k);
    return i < 0 ? METRIC_ORDER.length : i;
  };
  return [...new Set(keys)].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** A share as people say it: 68% from 10% up, 4.9% below. */
export function shareWords(x: number | null | undefined, fmt: Formatter): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return fmt.percent(x, Math.abs(x) >= 0.1 ? 0 : 1);
}

/** A metric's value as it reads: 68.2%, 49,768 units, 0.98, 0.4 s, 360 forecasts. */
export function formatMetric(key: string, value: number | null | undefined, fmt: Formatter, measure?: Measure): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const w = metricWords(key);
  switch (w.kind) {
    case 'share':
      return fmt.percent(value, 1);
    case 'measure': {
      const unit = measure?.unit ?? 'number';
      const text = fmt.measure(Math.abs(value), unit);
      return key === 'bias' ? `${value > 0 ? '+' : value < 0 ? '−' : ''}${text}${value > 0 ? ' too much' : value < 0 ? ' too little' : ''}` : text;
    }
    case 'seconds':
      return `${fmt.decimal(value, value < 10 ? 1 : 0)} s`;
    case 'count':
      return `${fmt.integer(value)} forecasts`;
    default:
      return fmt.decimal(value, 2);
  }
}

export type Tone = 'better' | 'worse' | 'same';

/**
 * Whether `b` is better than `a` on a metric: the one rule every comparison's colour follows
 * (green better, red worse). Lower, higher or closer to the metric's target, by its `better`;
 * null when the metric has no direction or a value is missing.
 */
export function compareMetric(key: string, a: number | null | undefined, b: number | null | undefined): Tone | null {
  if (a === null || a === undefined || b === null || b === undefined || !Number.isFinite(a) || !Number.isFinite(b)) return null;
  const better = metricWords(key).better;
  if (better.kind === 'none') return null;
  const score = (x: number) => (better.kind === 'lower' ? x : better.kind === 'higher' ? -x : Math.abs(x - better.to));
  const d = score(b) - score(a);
  const scale = Math.max(Math.abs(a), Math.abs(b), 1e-12);
  if (Math.abs(d) <= 1e-9 * scale) return 'same';
  return d < 0 ? 'better' : 'worse';
}

/** The CSS class of a tone (globals.css): green for better, red for worse. */
export const toneClass = (tone: Tone | null) => (tone === 'better' ? 'tone-better' : tone === 'worse' ? 'tone-worse' : undefined);

/** The change from `a` to `b` in words: "−1.2 pts, better"; shares in points, the rest as values. */
export function changeWords(key: string, a: number | null | undefined, b: number | null | undefined, fmt: Formatter, measure?: Measure): string {
  if (a === null || a === undefined || b === null || b === undefined || !Number.isFinite(a) || !Number.isFinite(b)) return '—';
  const tone = compareMetric(key, a, b);
  const w = metricWords(key);
  const d = b - a;
  if (d === 0) return tone === null ? 'no change' : 'the same';
  const amount = w.kind === 'share' ? fmt.points(d) : `${d > 0 ? '+' : d < 0 ? '−' : ''}${formatMetric(key === 'bias' ? 'mae' : key, Math.abs(d), fmt, measure)}`;
  return tone === null ? amount : `${amount}, ${tone === 'same' ? 'the same' : tone}`;
}

/** Seasonal naive in words: what the baseline does for data of this grain. */
export function baselineWords(step: number): string {
  return step === 7 ? 'repeating the same week last year' : 'repeating last week';
}

/** A model whose typical error is less than this much smaller than the baseline's adds nothing over it. */
export const NEGLIGIBLE_VALUE_ADDED = 0.02;

export type Verdict = 'better' | 'no-better' | 'worse';

/** Forecast value added, 1 − model ÷ baseline; null without both. */
export function valueAdded(wape: number | null | undefined, baselineWape: number | null | undefined): number | null {
  return wape !== null && wape !== undefined && baselineWape !== null && baselineWape !== undefined && Number.isFinite(wape) && baselineWape > 0 ? 1 - wape / baselineWape : null;
}

export interface AccuracyWords {
  /** "Typical daily error 68% of sales" */
  headline: string;
  /** "31% smaller than repeating last week", "no better than repeating the same week last year" */
  comparison: string;
  /** The comparison with the baseline's own figure: "31% smaller than repeating last week (98%)" */
  versus: string;
  verdict: Verdict | null;
  /** Both, as one sentence. */
  sentence: string;
}

/** A model's hold-out accuracy as a person says it, against the seasonal naive baseline. */
export function accuracyWords(wape: number | null | undefined, baselineWape: number | null | undefined, step: number, fmt: Formatter): AccuracyWords {
  const per = step === 7 ? 'weekly' : 'daily';
  const headline = `Typical ${per} error ${shareWords(wape, fmt)} of sales`;
  const fva = valueAdded(wape, baselineWape);
  const baseline = baselineWords(step);
  let comparison: string;
  let verdict: Verdict | null = null;
  if (fva === null) comparison = `no ${baseline} baseline to compare with`;
  else if (Math.abs(fva) < NEGLIGIBLE_VALUE_ADDED) {
    verdict = 'no-better';
    comparison = `no better than ${baseline}`;
  } else if (fva > 0) {
    verdict = 'better';
    comparison = `${fmt.percent(fva, 0)} smaller than ${baseline}`;
  } else {
    verdict = 'worse';
    comparison = `${fmt.percent(-fva, 0)} larger than ${baseline}, worse than that simple rule`;
  }
  const versus = fva === null ? comparison : `${comparison} (${shareWords(baselineWape, fmt)})`;
  return { headline, comparison, versus, verdict, sentence: `${headline}; ${versus}.` };
}

/** What the comparison of a candidate with the rest needs of a version. */
export interface VersionFigures {
  id: string;
  algorithm: string;
  stage: string;
  metrics: Record<string, number | null>;
  baselineMetrics: Record<string, number | null>;
}

/**
 * When `model` adds nothing over the baseline (or is worse), what to do instead, plainly: promote
 * a version that does beat it, or rely on the baseline and train something else. Null when the
 * model is worth using.
 */
export function recommendation(model: VersionFigures, versions: readonly VersionFigures[], step: number, fmt: Formatter): string | null {
  const own = valueAdded(model.metrics.wape, model.baselineMetrics.wape);
  if (own === null || own >= NEGLIGIBLE_VALUE_ADDED) return null;
  const baseline = baselineWords(step);
  const better = versions
    .filter((v) => v.id !== model.id && v.stage !== 'archived')
    .map((v) => ({ v, fva: valueAdded(v.metrics.wape, v.baselineMetrics.wape) }))
    .filter((x): x is { v: VersionFigures; fva: number } => x.fva !== null && x.fva >= NEGLIGIBLE_VALUE_ADDED && (x.v.metrics.wape ?? Infinity) < (model.metrics.wape ?? Infinity))
    .sort((x, y) => (x.v.metrics.wape ?? Infinity) - (y.v.metrics.wape ?? Infinity))[0];
  // Worse only beyond the same negligible band as accuracyWords: a hair above the baseline's error adds nothing, it is not worse.
  const what = own <= -NEGLIGIBLE_VALUE_ADDED ? `${model.id} (${model.algorithm}) forecasts worse than ${baseline}` : `${model.id} (${model.algorithm}) adds nothing over ${baseline}: its typical error is ${shareWords(model.metrics.wape, fmt)} against ${shareWords(model.baselineMetrics.wape, fmt)}`;
  if (better) return `${what}. Recommended: ${better.v.id} (${better.v.algorithm}), ${fmt.percent(better.fva, 0)} better than ${baseline}${better.v.stage === 'production' ? ', in production' : ': promote it'}.`;
  return `${what}. Recommended: plan with ${baseline} until a model beats it; train another algorithm (random forest, ridge) or tune boosting.`;
}
