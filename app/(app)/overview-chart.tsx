'use client';

import type { Measure, RegionalSettings } from '@/lib/format';
import { ForecastChart, type ForecastSeries } from './forecasts/chart';

/** The recent totals and, when a model is in production, the next periods' forecast with its bands. */
export function OverviewChart({ dates, totals, forecast, label, title, measure, step, regional }: { dates: string[]; totals: number[]; forecast: ForecastSeries | null; label: string; title: string; measure: Measure; step: number; regional: RegionalSettings }) {
  return <ForecastChart history={{ dates, values: totals }} forecast={forecast} label={label} title={title} measure={measure} step={step} regional={regional} height={340} />;
}
