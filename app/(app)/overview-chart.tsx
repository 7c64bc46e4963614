'use client';

import { useMemo } from 'react';
import { Plot } from '@/components/plot';

/** Daily totals of the recent past (and, when given, the forecast with its bands). */
export function OverviewChart({ dates, totals, label }: { dates: string[]; totals: number[]; label: string }) {
  const data = useMemo(() => [{ x: dates, y: totals, type: 'scatter' as const, mode: 'lines', name: 'actual', line: { width: 1.5 } }], [dates, totals]);
  return <Plot data={data} label={label} />;
}
