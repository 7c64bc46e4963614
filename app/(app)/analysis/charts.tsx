'use client';

import { useMemo } from 'react';
import { useRouter } from 'next/navigation';
import { Plot, type PlotPoint } from '@/components/plot';
import { formatterFor, type Measure, type RegionalSettings } from '@/lib/format';
import { brandScale, withAlpha, type ChartPalette } from '@/lib/chart-style';

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const titled = (text: string) => ({ text, x: 0, xanchor: 'left', font: { size: 14 } });

/**
 * The breakdown as bars, this period beside the one before. A bar with an `hrefs` entry drills
 * into it when clicked (the same link as its name in the table, which the keyboard reaches).
 */
export function BreakdownChart({ labels, current, previous, hrefs, title, by, measure, regional }: { labels: string[]; current: number[]; previous: number[]; hrefs: (string | null)[]; title: string; by: string; measure: Measure; regional: RegionalSettings }) {
  const router = useRouter();
  const fmt = formatterFor(regional);
  const data = useMemo(
    () => (p: ChartPalette) => [
      { x: labels, y: current, type: 'bar' as const, name: 'this period', customdata: hrefs, marker: { color: p.brand } },
      { x: labels, y: previous, type: 'bar' as const, name: 'period before', customdata: hrefs, marker: { color: withAlpha(p.brand, 0.35) } },
    ],
    [labels, current, previous, hrefs],
  );
  const layout = useMemo(
    () => ({
      title: titled(title),
      barmode: 'group',
      separators: fmt.plotlySeparators,
      margin: { l: 64, r: 16, t: 40, b: 72 },
      xaxis: { type: 'category', automargin: true, title: { text: by } },
      yaxis: { title: { text: fmt.title(measure) }, tickformat: '~s', ...fmt.tickAffixes(measure.unit) },
    }),
    [title, by, measure, fmt],
  );
  const drillable = hrefs.some((h) => h !== null);
  const onPointClick = (p: PlotPoint) => {
    const href = typeof p.customdata === 'string' ? p.customdata : hrefs[p.pointIndex];
    if (href) router.push(href);
  };
  return (
    <div data-testid="breakdown-chart">
      <Plot data={data} layout={layout} label={title} onPointClick={drillable ? onPointClick : undefined} />
    </div>
  );
}

function seasonLayout(title: string, x: string, fmt: ReturnType<typeof formatterFor>, measure: Measure) {
  return {
    title: titled(title),
    separators: fmt.plotlySeparators,
    margin: { l: 64, r: 16, t: 40, b: 48 },
    xaxis: { title: { text: x } },
    yaxis: { title: { text: fmt.title(measure) }, tickformat: '~s', ...fmt.tickAffixes(measure.unit) },
  };
}

/** Average per weekday (daily data only) and per month, of the selection and measure the page shows. */
export function SeasonalityCharts({ weekday, month, weekly, measure, scope, regional }: { weekday: number[]; month: number[]; weekly: boolean; measure: Measure; scope: string; regional: RegionalSettings }) {
  const fmt = formatterFor(regional);
  const per = weekly ? 'week' : 'day';
  const w = useMemo(() => (p: ChartPalette) => [{ x: WEEKDAYS, y: weekday, type: 'bar' as const, name: 'average per day', marker: { color: p.brand } }], [weekday]);
  const m = useMemo(() => (p: ChartPalette) => [{ x: MONTHS, y: month, type: 'bar' as const, name: `average per ${per}`, marker: { color: p.brand } }], [month, per]);
  const wLayout = useMemo(() => seasonLayout(`Average per day, by day of week (${scope})`, 'Day of week', fmt, measure), [scope, fmt, measure]);
  const mLayout = useMemo(() => seasonLayout(`Average per ${per}, by month (${scope})`, 'Month', fmt, measure), [scope, fmt, measure, per]);
  return (
    <div className="grid" data-testid="seasonality-charts">
      {!weekly && (
        <div>
          <Plot data={w} layout={wLayout} label={`Average ${measure.label} by day of week, ${scope}`} height={280} />
        </div>
      )}
      <div>
        <Plot data={m} layout={mLayout} label={`Average ${measure.label} per ${per} by month, ${scope}`} height={280} />
      </div>
    </div>
  );
}

export function Heatmap({ rows, cols, values, rowLabel, colLabel, title, measure, regional }: { rows: string[]; cols: string[]; values: number[][]; rowLabel: string; colLabel: string; title: string; measure: Measure; regional: RegionalSettings }) {
  const fmt = formatterFor(regional);
  const data = useMemo(
    () => (p: ChartPalette) => [
      {
        z: values,
        x: cols,
        y: rows,
        type: 'heatmap' as const,
        colorscale: brandScale(p),
        hoverongaps: false,
        colorbar: { title: { text: fmt.title(measure) }, tickformat: '~s', ...fmt.tickAffixes(measure.unit) },
        hovertemplate: `${rowLabel} %{y}<br>${colLabel} %{x}<br>${measure.label} %{z:,.0f}<extra></extra>`,
      },
    ],
    [rows, cols, values, rowLabel, colLabel, measure, fmt],
  );
  const layout = useMemo(
    () => ({
      title: titled(title),
      separators: fmt.plotlySeparators,
      xaxis: { type: 'category', automargin: true, showgrid: false, title: { text: colLabel } },
      yaxis: { type: 'category', automargin: true, showgrid: false, title: { text: rowLabel } },
      margin: { l: 100, r: 16, t: 40, b: 120 },
    }),
    [title, rowLabel, colLabel, fmt],
  );
  return <Plot data={data} layout={layout} label={`Heatmap of ${rowLabel} by ${colLabel}`} height={Math.max(280, 28 * rows.length + 180)} />;
}
