'use client';

import { useMemo } from 'react';
import { Plot } from '@/components/plot';
import { SERIES_STYLE, type ChartPalette } from '@/lib/chart-style';
import type { TableProfile } from '@/ml/data/profile';

/** Sales over time and the top values of each series key (shown by `labels`, name and id), as Plotly charts. */
export function ProfileCharts({ overTime, top, targetName, labels = {} }: { overTime: TableProfile['overTime']; top: TableProfile['top']; targetName: string; labels?: Record<string, Record<string, string>> }) {
  const series = useMemo(
    () => (p: ChartPalette) => [{ x: overTime.map((d) => d.date), y: overTime.map((d) => d.total), type: 'scatter' as const, mode: 'lines', name: targetName, line: { ...SERIES_STYLE.actual, color: p.brand } }],
    [overTime, targetName],
  );
  const tops = useMemo(
    () =>
      Object.entries(top).map(([key, values]) => ({
        key,
        data: (p: ChartPalette) => [{ x: values.map((v) => v.total), y: values.map((v) => labels[key]?.[v.value] ?? v.value), type: 'bar' as const, orientation: 'h', name: key, marker: { color: p.brand } }],
      })),
    [top, labels],
  );
  const barLayout = useMemo(() => ({ yaxis: { autorange: 'reversed', automargin: true, type: 'category' }, margin: { l: 120, r: 16, t: 8, b: 40 } }), []);
  return (
    <>
      <section className="card">
        <h2>{targetName} over time (all series)</h2>
        <Plot data={series} label={`${targetName} over time`} />
      </section>
      <div className="grid">
        {tops.map((t) => (
          <section className="card" key={t.key}>
            <h2>Top {t.key} by total</h2>
            <Plot data={t.data} layout={barLayout} label={`Top ${t.key} by total ${targetName}`} height={300} />
          </section>
        ))}
      </div>
    </>
  );
}
