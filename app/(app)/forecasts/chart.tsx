'use client';

import { useMemo } from 'react';
import { Plot } from '@/components/plot';

export interface ForecastSeries {
  dates: string[];
  mean: number[];
  p80: [number, number][];
  p95: [number, number][];
}

/** History, the same days last year, and the forecast with its 80% and 95% bands. */
export function ForecastChart({ history, lastYear, forecast, label }: { history: { dates: string[]; values: number[] }; lastYear: { dates: string[]; values: number[] }; forecast: ForecastSeries | null; label: string }) {
  const data = useMemo(() => {
    const traces: Record<string, unknown>[] = [];
    if (forecast && forecast.dates.length > 0) {
      const band = (q: [number, number][], name: string, color: string) => ({
        x: [...forecast.dates, ...[...forecast.dates].reverse()],
        y: [...q.map((p) => p[1]), ...[...q].reverse().map((p) => p[0])],
        type: 'scatter',
        fill: 'toself',
        fillcolor: color,
        line: { width: 0 },
        name,
        hoverinfo: 'skip',
      });
      traces.push(band(forecast.p95, '95% interval', 'rgba(31,111,235,0.12)'), band(forecast.p80, '80% interval', 'rgba(31,111,235,0.25)'));
    }
    traces.push({ x: lastYear.dates, y: lastYear.values, type: 'scatter', mode: 'lines', name: 'last year', line: { width: 1, dash: 'dot', color: '#9aa4af' } });
    traces.push({ x: history.dates, y: history.values, type: 'scatter', mode: 'lines', name: 'actual', line: { width: 1.6, color: '#1b1f24' } });
    if (forecast) traces.push({ x: forecast.dates, y: forecast.mean, type: 'scatter', mode: 'lines', name: 'forecast', line: { width: 2, color: '#1f6feb' } });
    return traces;
  }, [history, lastYear, forecast]);
  return <Plot data={data} label={label} height={380} />;
}
