'use client';

import { useMemo } from 'react';
import { Plot } from '@/components/plot';
import { formatterFor, type Formatter, type Measure, type RegionalSettings } from '@/lib/format';
import { BAND_OPACITY, SERIES_STYLE, withAlpha, type ChartPalette } from '@/lib/chart-style';

export interface ForecastSeries {
  dates: string[];
  mean: number[];
  p80: [number, number][];
  p95: [number, number][];
}

/**
 * A band as one closed Plotly area: the upper edge forwards, the lower edge back. Drawn as a fill
 * only (mode 'none'): Plotly's default for a short trace is lines and markers, which put a dot on
 * every corner of a weekly band.
 */
function band(dates: string[], q: [number, number][], name: string, color: string) {
  return {
    x: [...dates, ...[...dates].reverse()],
    y: [...q.map((p) => p[1]), ...[...q].reverse().map((p) => p[0])],
    type: 'scatter' as const,
    mode: 'none',
    fill: 'toself',
    fillcolor: color,
    line: { width: 0 },
    name,
    hoverinfo: 'skip',
  };
}

/** In words, for screen readers: the last actual value and the forecast's total and range. */
function describe(history: { dates: string[]; values: number[] }, forecast: ForecastSeries | null, fmt: Formatter, measure: Measure): string {
  const parts: string[] = [];
  const v = (x: number) => fmt.measure(x, measure.unit);
  if (history.dates.length > 0) parts.push(`Actuals from ${fmt.day(history.dates[0])} to ${fmt.day(history.dates.at(-1) ?? '')}, last value ${v(history.values.at(-1) ?? NaN)}.`);
  if (forecast && forecast.dates.length > 0) {
    const total = forecast.mean.reduce((a, b) => a + b, 0);
    parts.push(`Forecast of ${forecast.dates.length} points from ${fmt.day(forecast.dates[0])} to ${fmt.day(forecast.dates.at(-1) ?? '')}, total ${v(total)}; the 95% range of the last point is ${v(forecast.p95.at(-1)?.[0] ?? NaN)} to ${v(forecast.p95.at(-1)?.[1] ?? NaN)}.`);
  } else parts.push('No forecast.');
  return parts.join(' ');
}

/**
 * The layout every time-series chart of the app shares: its title, a date axis named after the
 * data's grain, a value axis titled with its measure and unit, in the tenant's number format.
 */
export function timeSeriesLayout(title: string, measure: Measure, step: number, fmt: Formatter): Record<string, unknown> {
  return {
    title: { text: title, x: 0, xanchor: 'left', font: { size: 14 } },
    margin: { l: 64, r: 16, t: 40, b: 56 },
    separators: fmt.plotlySeparators,
    xaxis: { title: { text: step === 7 ? 'Week' : 'Day' }, type: 'date' },
    yaxis: { title: { text: fmt.title(measure) }, tickformat: '~s', rangemode: 'tozero', ...fmt.tickAffixes(measure.unit) },
  };
}

/**
 * History, the same days last year, and the forecast with its 80% and 95% bands. The wrapper says how
 * many forecast points are drawn (`data-forecast-points`) so a change of horizon is observable.
 */
export function ForecastChart({
  history,
  lastYear,
  forecast,
  label,
  title,
  measure,
  step,
  regional,
  height = 380,
}: {
  history: { dates: string[]; values: number[] };
  lastYear?: { dates: string[]; values: number[] };
  forecast: ForecastSeries | null;
  label: string;
  /** The chart's title, drawn above it. */
  title: string;
  /** What the values count (the value axis's title and unit). */
  measure: Measure;
  /** Days per period: the date axis says Day or Week. */
  step: number;
  regional: RegionalSettings;
  height?: number;
}) {
  const fmt = formatterFor(regional);
  const data = useMemo(
    () => (p: ChartPalette) => {
      const traces: Record<string, unknown>[] = [];
      if (forecast && forecast.dates.length > 0) traces.push(band(forecast.dates, forecast.p95, '95% interval', withAlpha(p.brand, BAND_OPACITY.p95)), band(forecast.dates, forecast.p80, '80% interval', withAlpha(p.brand, BAND_OPACITY.p80)));
      if (lastYear) traces.push({ x: lastYear.dates, y: lastYear.values, type: 'scatter', mode: 'lines', name: 'last year', line: { ...SERIES_STYLE.lastYear, color: withAlpha(p.muted, 0.6) } });
      traces.push({ x: history.dates, y: history.values, type: 'scatter', mode: 'lines', name: 'actual', line: { ...SERIES_STYLE.actual, color: p.muted } });
      if (forecast && forecast.dates.length > 0) traces.push({ x: forecast.dates, y: forecast.mean, type: 'scatter', mode: 'lines+markers', marker: { size: 4, color: p.brand }, name: 'forecast', line: { ...SERIES_STYLE.forecast, color: p.brand } });
      return traces;
    },
    [history, lastYear, forecast],
  );
  const summary = useMemo(() => describe(history, forecast, fmt, measure), [history, forecast, fmt, measure]);
  const layout = useMemo(() => timeSeriesLayout(title, measure, step, fmt), [title, measure, step, fmt]);
  return (
    <div data-testid="forecast-chart" data-forecast-points={forecast?.dates.length ?? 0}>
      <Plot data={data} layout={layout} label={label} summary={summary} height={height} />
    </div>
  );
}
