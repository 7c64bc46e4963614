'use client';

import { useMemo } from 'react';
import { Plot } from '@/components/plot';
import { DEFAULT_PALETTE, SERIES_STYLE, withAlpha, type ChartPalette } from '@/lib/chart-style';

/** PSI bands (docs/monitoring.md): under 0.1 stable, 0.1 to 0.25 moderate, above significant. */
const PSI_BANDS = [0.1, 0.25] as const;

/**
 * PSI per column, each bar labelled with its value. The axis follows the bars (it went to 0.25
 * for the band lines, and PSI values of 0.002 drew nothing); a band line is drawn where it falls
 * inside the axis, and the chart says when every column is under the first one.
 */
export function PsiChart({ names, psi }: { names: string[]; psi: number[] }) {
  const data = useMemo(
    () => (p: ChartPalette) => [
      {
        x: names,
        y: psi,
        type: 'bar' as const,
        name: 'PSI',
        marker: { color: psi.map((v) => (v > PSI_BANDS[1] ? p.bad : v >= PSI_BANDS[0] ? p.warn : p.good)) },
        text: psi.map((v) => v.toFixed(3)),
        textposition: 'outside',
        cliponaxis: false,
        hovertemplate: '%{x}: PSI %{y:.4f}<extra></extra>',
      },
    ],
    [names, psi],
  );
  const layout = useMemo(() => {
    const top = Math.max(0.005, ...psi.filter(Number.isFinite)) * 1.3;
    const shown = PSI_BANDS.filter((b) => b <= top);
    const line = (y: number) => ({ type: 'line', xref: 'paper', x0: 0, x1: 1, y0: y, y1: y, line: { dash: 'dot', width: 1, color: y > 0.2 ? DEFAULT_PALETTE.bad : DEFAULT_PALETTE.warn } });
    const note =
      shown.length === 0
        ? [{ xref: 'paper', yref: 'paper', x: 1, y: 1, xanchor: 'right', yanchor: 'bottom', showarrow: false, text: `All columns under ${PSI_BANDS[0]}: stable`, font: { size: 11, color: DEFAULT_PALETTE.good } }]
        : [];
    return {
      title: { text: 'Drift of each column on the new days (PSI; dotted: 0.1 moderate, 0.25 significant)', x: 0, xanchor: 'left', font: { size: 14 } },
      margin: { l: 64, r: 16, t: 40, b: 64 },
      xaxis: { type: 'category', automargin: true, title: { text: 'Column' } },
      yaxis: { range: [0, top], tickformat: '.3~f', title: { text: 'PSI' } },
      shapes: shown.map(line),
      annotations: note,
      showlegend: false,
    };
  }, [psi]);
  return <Plot data={data} layout={layout} label="Population stability index per column" summary={`Largest PSI ${Math.max(0, ...psi).toFixed(3)} (${names[psi.indexOf(Math.max(...psi))] ?? 'none'}).`} height={280} />;
}

export interface LiveErrorPoint {
  date: string;
  wape: number | null;
  naiveWape: number | null;
  rollingWape: number | null;
  rollingNaiveWape: number | null;
}

/**
 * The production model's daily WAPE on the days after its training beside seasonal naive's, the
 * trailing-window WAPE the decay rule reads, and the decay line (hold-out WAPE x (1 + tolerance)).
 */
export function LiveErrorChart({ points, threshold, reference, windowDays, baseline }: { points: LiveErrorPoint[]; threshold: number | null; reference: number | null; windowDays: number; baseline: string }) {
  const data = useMemo(
    () => (c: ChartPalette) => {
      const x = points.map((p) => p.date);
      return [
        { x, y: points.map((p) => p.wape ?? NaN), type: 'scatter' as const, mode: 'lines+markers' as const, name: 'Production, daily', line: { color: withAlpha(c.brand, 0.6), width: 1 }, marker: { size: 4, color: withAlpha(c.brand, 0.6) } },
        { x, y: points.map((p) => p.naiveWape ?? NaN), type: 'scatter' as const, mode: 'lines' as const, name: `Seasonal naive (${baseline}), daily`, line: { ...SERIES_STYLE.reference, color: c.muted } },
        { x, y: points.map((p) => p.rollingWape ?? NaN), type: 'scatter' as const, mode: 'lines' as const, name: `Production, last ${windowDays} days`, line: { color: c.brand, width: 3 } },
        { x, y: points.map((p) => p.rollingNaiveWape ?? NaN), type: 'scatter' as const, mode: 'lines' as const, name: `Seasonal naive, last ${windowDays} days`, line: { color: c.muted, width: 3 } },
      ];
    },
    [points, windowDays, baseline],
  );
  const layout = useMemo(() => {
    const line = (y: number, color: string, dash: string) => ({ type: 'line', xref: 'paper', x0: 0, x1: 1, y0: y, y1: y, line: { dash, width: 1.5, color } });
    const shapes = [];
    const annotations = [];
    if (threshold !== null) {
      shapes.push(line(threshold, DEFAULT_PALETTE.bad, 'dash'));
      annotations.push({ xref: 'paper', x: 1, xanchor: 'right', y: threshold, yanchor: 'bottom', text: 'decay line', showarrow: false, font: { color: DEFAULT_PALETTE.bad, size: 11 } });
    }
    if (reference !== null) shapes.push(line(reference, DEFAULT_PALETTE.good, 'dot'));
    // A single slow day can have a WAPE of 1000%: the axis follows the windows and the decay line,
    // and lets such days run off the top (their values are in the hover and the CSV).
    const finite = (xs: (number | null)[]) => xs.filter((v): v is number => v !== null && Number.isFinite(v));
    const daily = finite(points.flatMap((p) => [p.wape, p.naiveWape])).sort((a, b) => a - b);
    const steady = finite([...points.flatMap((p) => [p.rollingWape, p.rollingNaiveWape]), threshold, reference, daily.length ? daily[Math.floor(0.9 * (daily.length - 1))] : null]);
    const top = steady.length ? Math.min(daily.length ? daily[daily.length - 1] : Infinity, 1.3 * Math.max(...steady)) : undefined;
    return {
      title: { text: 'Typical error of the production model on the new days, beside seasonal naive', x: 0, xanchor: 'left', font: { size: 14 } },
      margin: { l: 64, r: 16, t: 40, b: 56 },
      xaxis: { title: { text: 'Day' }, type: 'date' },
      yaxis: { title: { text: 'Typical error (WAPE, % of sales)' }, tickformat: '.0%', ...(top && Number.isFinite(top) ? { range: [0, top * 1.05] } : { rangemode: 'tozero' }) },
      shapes,
      annotations,
    };
  }, [threshold, reference, points]);
  return (
    <Plot
      data={data}
      layout={layout}
      label="Production model WAPE per day on the new days, beside seasonal naive, with the decay line"
      summary={`${points.length} days scored. Decay line at ${threshold === null ? 'n/a' : `${(threshold * 100).toFixed(1)}%`} WAPE.`}
      height={320}
    />
  );
}
