/**
 * Calendar features of one period: everything here depends on the date only, never on the target.
 */
import { civilFromDay, dayOfWeek, isoWeek } from '../data/dates';

export const CALENDAR_FEATURES = [
  'dow', 'dom', 'week', 'month', 'quarter', 'year', 'weekend', 'holiday', 'days_to_holiday', 'days_from_holiday',
] as const;

/** Distances to holidays are capped here (and used when no holiday is known that far). */
export const HOLIDAY_DISTANCE_CAP = 400;

/** Index of the first holiday >= day (holidays sorted ascending); holidays.length when none. */
function lowerBound(holidays: Int32Array, day: number): number {
  let lo = 0;
  let hi = holidays.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (holidays[mid] < day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Writes the 10 calendar features of the period ending on `day` (a period is `step` days: 1 for
 * daily, 7 for weekly data, where "holiday" means a holiday within the week ending on `day`).
 * `out[base + k * stride]` receives feature k of CALENDAR_FEATURES.
 */
export function calendarFeatures(day: number, step: number, holidays: Int32Array, out: Float64Array, base: number, stride: number): void {
  const { year, month, day: dom } = civilFromDay(day);
  const dow = dayOfWeek(day);
  out[base] = dow;
  out[base + stride] = dom;
  out[base + 2 * stride] = isoWeek(day);
  out[base + 3 * stride] = month;
  out[base + 4 * stride] = Math.floor((month - 1) / 3) + 1;
  out[base + 5 * stride] = year;
  out[base + 6 * stride] = dow >= 5 ? 1 : 0;
  const periodStart = day - step + 1;
  const i = lowerBound(holidays, periodStart);
  out[base + 7 * stride] = i < holidays.length && holidays[i] <= day ? 1 : 0;
  const j = lowerBound(holidays, day); // first holiday on or after the day
  out[base + 8 * stride] = j < holidays.length ? Math.min(holidays[j] - day, HOLIDAY_DISTANCE_CAP) : HOLIDAY_DISTANCE_CAP;
  const k = j < holidays.length && holidays[j] === day ? j : j - 1; // last holiday on or before
  out[base + 9 * stride] = k >= 0 ? Math.min(day - holidays[k], HOLIDAY_DISTANCE_CAP) : HOLIDAY_DISTANCE_CAP;
}
