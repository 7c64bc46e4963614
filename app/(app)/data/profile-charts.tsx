'use client';

import { useMemo } from 'react';
import { Plot } from '@/components/plot';
import { SERIES_STYLE, type ChartPalette } from '@/lib/chart-style';
import type { TableProfile } from '@/ml/data/profile';
import { formatterFor, perPeriod, type Measure, type RegionalSettings } from '@/lib/format';
import { timeSeriesLayout } from '../forecasts/chart';

/**
 * Sales over time and the top values of each series key (values shown by `labels`: name and id),
 * as Plotly charts titled with their measure and unit.
 */
export function ProfileCharts({
  overTime,
  top,
  target,
  keyLabels,
  labels = {},
  step,
  regional,
}: {
  overTime: TableProfile['overTime'];
  top: TableProfile['top'];
  target: Measure;
  /** Display label of each key (store -> Store). */
  keyLabels: Record<string, string>;
  /** Display names of key values (store 1 -> "1 (Москва, Гипермаркет)"). */
  labels?: Record<string, Record<string, string>>;
  step: number;
  regional: RegionalSettings;
}) {
  const fmt = formatterFor(regional);
  const series = useMemo(
    () => (p: ChartPalette) => [{ x: overTime.map((d) => d.date), y: overTime.map((d) => d.total), type: 'scatter' as const, mode: 'lines', name: target.label, line: { ...SERIES_STYLE.actual, color: p.brand } }],
    [overTime, target],
  );
  const seriesLayout = useMemo(() => timeSeriesLayout(`${perPeriod(target.label, step)}, all series`, target, step, fmt), [target, step, fmt]);
  const tops = useMemo(
    () =>
      Object.entries(top).map(([key, values]) => {
        const name = keyLabels[key] ?? key;
        return {
          key,
          name,
          data: (p: ChartPalette) => [{ x: values.map((v) => v.total), y: values.map((v) => labels[key]?.[v.value] ?? v.value), type: 'bar' as const, orientation: 'h', name, marker: { color: p.brand } }],
          layout: {
            title: { text: `Top ${name.toLowerCase()} values by total ${target.label.toLowerCase()}`, x: 0, xanchor: 'left', font: { size: 14 } },
            separators: fmt.plotlySeparators,
            yaxis: { autorange: 'reversed', automargin: true, type: 'category', title: { text: name } },
            xaxis: { title: { text: fmt.title({ ...target, label: `Total ${target.label.toLowerCase()}` }) }, tickformat: '~s', ...fmt.tickAffixes(target.unit) },
            margin: { l: 120, r: 16, t: 40, b: 56 },
          },
        };
      }),
    [top, keyLabels, labels, target, fmt],
  );
  return (
    <>
      <section className="card">
        <h2>{target.label} over time (all series)</h2>
        <Plot data={series} layout={seriesLayout} label={`${target.label} over time`} />
      </section>
      <div className="grid">
        {tops.map((t) => (
          <section className="card" key={t.key}>
            <h2>Top {t.name} by total</h2>
            <Plot data={t.data} layout={t.layout} label={`Top ${t.name} by total ${target.label}`} height={300} />
          </section>
        ))}
      </div>
    </>
  );
}
