'use client';

import { useMemo } from 'react';
import { Plot } from '@/components/plot';
import { brandScale, withAlpha, type ChartPalette } from '@/lib/chart-style';

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function BreakdownChart({ labels, current, previous, by }: { labels: string[]; current: number[]; previous: number[]; by: string }) {
  const data = useMemo(
    () => (p: ChartPalette) => [
      { x: labels, y: current, type: 'bar' as const, name: 'this period', marker: { color: p.brand } },
      { x: labels, y: previous, type: 'bar' as const, name: 'period before', marker: { color: withAlpha(p.brand, 0.35) } },
    ],
    [labels, current, previous],
  );
  const layout = useMemo(() => ({ barmode: 'group', xaxis: { type: 'category', automargin: true } }), []);
  return <Plot data={data} layout={layout} label={`Breakdown by ${by}`} />;
}

export function SeasonalityCharts({ weekday, month, weekly }: { weekday: number[]; month: number[]; weekly: boolean }) {
  const w = useMemo(() => (p: ChartPalette) => [{ x: WEEKDAYS, y: weekday, type: 'bar' as const, name: 'mean per day', marker: { color: p.brand } }], [weekday]);
  const m = useMemo(() => (p: ChartPalette) => [{ x: MONTHS, y: month, type: 'bar' as const, name: 'mean per period', marker: { color: p.brand } }], [month]);
  return (
    <div className="grid">
      {!weekly && (
        <div>
          <h3>By day of week</h3>
          <Plot data={w} label="Mean sales by day of week" height={260} />
        </div>
      )}
      <div>
        <h3>By month</h3>
        <Plot data={m} label="Mean sales by month" height={260} />
      </div>
    </div>
  );
}

export function Heatmap({ rows, cols, values, rowLabel, colLabel }: { rows: string[]; cols: string[]; values: number[][]; rowLabel: string; colLabel: string }) {
  const data = useMemo(
    () => (p: ChartPalette) => [{ z: values, x: cols, y: rows, type: 'heatmap' as const, colorscale: brandScale(p), hoverongaps: false, hovertemplate: `${rowLabel} %{y}<br>${colLabel} %{x}<br>%{z:,.0f}<extra></extra>` }],
    [rows, cols, values, rowLabel, colLabel],
  );
  const layout = useMemo(() => ({ xaxis: { type: 'category', automargin: true, showgrid: false }, yaxis: { type: 'category', automargin: true, showgrid: false }, margin: { l: 100, r: 16, t: 8, b: 40 } }), []);
  return <Plot data={data} layout={layout} label={`Heatmap of ${rowLabel} by ${colLabel}`} height={Math.max(260, 28 * rows.length + 160)} />;
}
