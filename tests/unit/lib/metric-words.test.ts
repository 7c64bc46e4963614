import { describe, expect, it } from 'vitest';
import { formatterFor } from '@/lib/format';
import { METRIC_WORDS, accuracyWords, changeWords, compareMetric, formatMetric, metricWords, orderMetrics, recommendation, toneClass, type VersionFigures } from '@/lib/metric-words';

const fmt = formatterFor({ currency: 'USD', locale: 'en-US', timeZone: 'UTC' });

describe('metric words', () => {
  it('says accuracy as a person would: the demo’s ridge against repeating last week', () => {
    const w = accuracyWords(0.682, 0.983, 1, fmt);
    expect(w.sentence).toBe('Typical daily error 68% of sales; 31% smaller than repeating last week (98%).');
    expect(w.verdict).toBe('better');
  });

  it('says plainly when a model adds nothing over the baseline (Walmart gbm: 4.9% against 4.9%)', () => {
    const w = accuracyWords(0.04909, 0.04926, 7, fmt);
    expect(w.sentence).toBe('Typical weekly error 4.9% of sales; no better than repeating the same week last year (4.9%).');
    expect(w.verdict).toBe('no-better');
    expect(accuracyWords(0.16, 0.049, 7, fmt).comparison).toBe('227% larger than repeating the same week last year, worse than that simple rule');
  });

  it('recommends the better model, or the baseline when no trained model beats it', () => {
    const v = (id: string, algorithm: string, stage: string, wape: number, base: number): VersionFigures => ({ id, algorithm, stage, metrics: { wape }, baselineMetrics: { wape: base } });
    const gbm = v('v1', 'gbm', 'production', 0.04909, 0.04926);
    const ridge = v('v2', 'ridge', 'staging', 0.161, 0.04926);
    expect(recommendation(gbm, [gbm, ridge], 7, fmt)).toBe(
      'v1 (gbm) adds nothing over repeating the same week last year: its typical error is 4.9% against 4.9%. Recommended: plan with repeating the same week last year until a model beats it; train another algorithm (random forest, ridge) or tune boosting.',
    );
    const rf = v('v3', 'rf', 'staging', 0.04, 0.04926);
    expect(recommendation(gbm, [gbm, ridge, rf], 7, fmt)).toContain('Recommended: v3 (rf), 19% better than repeating the same week last year: promote it.');
    // A model that beats the baseline needs no advice.
    expect(recommendation(rf, [gbm, rf], 7, fmt)).toBeNull();
    // A hair worse than the baseline (within the same 2% band the headline calls "no better")
    // adds nothing; clearly worse is said so.
    const hair = v('v4', 'gbm', 'production', 0.04937, 0.04926);
    expect(accuracyWords(0.04937, 0.04926, 7, fmt).verdict).toBe('no-better');
    expect(recommendation(hair, [hair], 7, fmt)).toMatch(/^v4 \(gbm\) adds nothing over repeating the same week last year/);
    expect(recommendation(ridge, [ridge], 7, fmt)).toMatch(/^v2 \(ridge\) forecasts worse than repeating the same week last year\./);
  });

  it('defines every metric the registry records, in words, saying which way is better', () => {
    for (const key of ['wape', 'smape', 'mape', 'bias', 'coverage_p80', 'coverage_p95', 'fva', 'fitSeconds', 'validationWape', 'n', 'mae', 'rmse', 'r2']) {
      const w = METRIC_WORDS[key];
      expect(w, key).toBeDefined();
      expect(w.name).not.toBe(key);
      expect(w.definition.length, key).toBeGreaterThan(40);
    }
    expect(metricWords('fold2_wape').name).toBe('Typical error, validation window 2');
    expect(orderMetrics(['smape', 'n', 'wape', 'zz', 'fva'])).toEqual(['wape', 'fva', 'smape', 'n', 'zz']);
  });

  it('reads each value in its own unit: no more "n 10230.000"', () => {
    const units = { label: 'Units sold', unit: 'units' as const };
    expect(formatMetric('n', 10230, fmt)).toBe('10,230 forecasts');
    expect(formatMetric('fitSeconds', 0.393, fmt)).toBe('0.4 s');
    expect(formatMetric('wape', 0.682, fmt)).toBe('68.2%');
    expect(formatMetric('coverage_p80', 0.797, fmt)).toBe('79.7%');
    expect(formatMetric('mae', 49768.27, fmt, { label: 'Weekly sales', unit: 'currency' })).toBe('$49,768');
    expect(formatMetric('bias', 26593.5, fmt, units)).toBe('+26,594 units too much');
    expect(formatMetric('bias', -3, fmt, units)).toBe('−3 units too little');
    expect(formatMetric('r2', 0.98217, fmt)).toBe('0.98');
  });

  it('colours a comparison by one rule: green when B is better on that metric’s own direction', () => {
    // Lower error is better, whichever version is A.
    expect(compareMetric('wape', 0.3, 0.25)).toBe('better');
    expect(compareMetric('wape', 0.25, 0.3)).toBe('worse');
    expect(compareMetric('r2', 0.8, 0.9)).toBe('better');
    expect(compareMetric('fva', 0.1, 0.05)).toBe('worse');
    // Closer to zero bias, closer to 80% coverage.
    expect(compareMetric('bias', -50, 20)).toBe('better');
    expect(compareMetric('coverage_p80', 0.6, 0.78)).toBe('better');
    expect(compareMetric('coverage_p80', 0.79, 0.95)).toBe('worse');
    expect(compareMetric('n', 100, 200)).toBeNull();
    expect(compareMetric('wape', 0.3, 0.3)).toBe('same');
    expect(toneClass('better')).toBe('tone-better');
    expect(toneClass('worse')).toBe('tone-worse');
    expect(changeWords('wape', 0.3, 0.288, fmt)).toBe('−1.2 pts, better');
    expect(changeWords('wape', 0.288, 0.3, fmt)).toBe('+1.2 pts, worse');
  });
});
