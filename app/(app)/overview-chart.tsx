'use client';

import { ForecastChart, type ForecastSeries } from './forecasts/chart';

/** The recent daily totals and, when a model is in production, the next days' forecast with its bands. */
export function OverviewChart({ dates, totals, forecast, label }: { dates: string[]; totals: number[]; forecast: ForecastSeries | null; label: string }) {
  return <ForecastChart history={{ dates, values: totals }} forecast={forecast} label={label} height={320} />;
}
