/**
 * Holiday calendars: a serialisable description (saved with the feature pipeline) and its
 * expansion to sorted day numbers for a date range.
 */
import { z } from 'zod';
import { civilFromDay, dayFromCivil, dayOfWeek, parseIsoDay, formatDay } from '../data/dates';

export const holidayRuleSchema = z.enum(['super_bowl', 'labor_day', 'thanksgiving']);
export type HolidayRule = z.infer<typeof holidayRuleSchema>;

export const holidaySpecSchema = z.object({
  name: z.string().min(1).max(100),
  /** Recurring every year on the same month and day. */
  fixed: z.array(z.object({ month: z.number().int().min(1).max(12), day: z.number().int().min(1).max(31), name: z.string().max(200) })),
  /** Floating US holidays computed per year. */
  rules: z.array(holidayRuleSchema),
  /** One-off dates, ISO `YYYY-MM-DD` (e.g. imported from a CSV). */
  dates: z.array(z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), name: z.string().max(200) })),
});
export type HolidaySpec = z.infer<typeof holidaySpecSchema>;

/** The retailer's default (Russian public holidays: New Year Jan 1-8, Feb 23, Mar 8, May 1, May 9, Jun 12, Nov 4). */
export const RUSSIAN_HOLIDAYS: HolidaySpec = Object.freeze({
  name: 'ru',
  fixed: [
    ...Array.from({ length: 8 }, (_, i) => ({ month: 1, day: i + 1, name: i === 6 ? 'Orthodox Christmas' : 'New Year holidays' })),
    { month: 2, day: 23, name: 'Defender of the Fatherland Day' },
    { month: 3, day: 8, name: "International Women's Day" },
    { month: 5, day: 1, name: 'Spring and Labour Day' },
    { month: 5, day: 9, name: 'Victory Day' },
    { month: 6, day: 12, name: 'Russia Day' },
    { month: 11, day: 4, name: 'Unity Day' },
  ],
  rules: [],
  dates: [],
}) as HolidaySpec;

/** The four US holidays Walmart's Holiday_Flag marks: Super Bowl, Labor Day, Thanksgiving, Christmas. */
export const US_RETAIL_HOLIDAYS: HolidaySpec = Object.freeze({
  name: 'us-retail',
  fixed: [{ month: 12, day: 25, name: 'Christmas' }],
  rules: ['super_bowl', 'labor_day', 'thanksgiving'] as HolidayRule[],
  dates: [],
}) as HolidaySpec;

/** n-th (1-based) given weekday (Monday = 0) of a month. */
function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  const first = dayFromCivil(year, month, 1);
  const offset = (weekday - dayOfWeek(first) + 7) % 7;
  return first + offset + (n - 1) * 7;
}

function ruleDay(rule: HolidayRule, year: number): number {
  switch (rule) {
    case 'super_bowl':
      return nthWeekday(year, 2, 6, 1); // first Sunday of February (2004 onwards)
    case 'labor_day':
      return nthWeekday(year, 9, 0, 1); // first Monday of September
    case 'thanksgiving':
      return nthWeekday(year, 11, 3, 4); // fourth Thursday of November
  }
}

/** Sorted, unique holiday day numbers within [fromDay, toDay]. */
export function expandHolidays(spec: HolidaySpec, fromDay: number, toDay: number): Int32Array {
  const out = new Set<number>();
  const y0 = civilFromDay(fromDay).year;
  const y1 = civilFromDay(toDay).year;
  for (let y = y0; y <= y1; y++) {
    for (const f of spec.fixed) {
      // 29 February only in leap years; other impossible dates are skipped rather than rolled over.
      const d = dayFromCivil(y, f.month, f.day);
      const c = civilFromDay(d);
      if (c.month === f.month && c.day === f.day) out.add(d);
    }
    for (const r of spec.rules) out.add(ruleDay(r, y));
  }
  for (const d of spec.dates) {
    const n = parseIsoDay(d.date);
    if (Number.isFinite(n)) out.add(n);
  }
  const arr = Int32Array.from([...out].filter((d) => d >= fromDay && d <= toDay));
  arr.sort();
  return arr;
}

/** Names of the holidays of a spec on each day of [fromDay, toDay] (for reports and the UI). */
export function listHolidays(spec: HolidaySpec, fromDay: number, toDay: number): { date: string; name: string }[] {
  const byDay = new Map<number, string>();
  for (let y = civilFromDay(fromDay).year; y <= civilFromDay(toDay).year; y++) {
    for (const f of spec.fixed) byDay.set(dayFromCivil(y, f.month, f.day), f.name);
    for (const r of spec.rules) byDay.set(ruleDay(r, y), r);
  }
  for (const d of spec.dates) byDay.set(parseIsoDay(d.date), d.name);
  return [...byDay.entries()]
    .filter(([d]) => d >= fromDay && d <= toDay)
    .sort((a, b) => a[0] - b[0])
    .map(([d, name]) => ({ date: formatDay(d), name }));
}

/**
 * Parses a CSV of holiday dates: `date[,name]`, ISO dates, an optional header row (`date,...`),
 * blank lines ignored. Returns the dates to put in `HolidaySpec.dates` and the line errors.
 */
export function parseHolidayCsv(text: string): { dates: { date: string; name: string }[]; errors: { line: number; reason: string }[] } {
  const dates: { date: string; name: string }[] = [];
  const errors: { line: number; reason: string }[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const comma = line.indexOf(',');
    const date = (comma < 0 ? line : line.slice(0, comma)).trim().replace(/^"|"$/g, '');
    const name = comma < 0 ? 'holiday' : line.slice(comma + 1).trim().replace(/^"|"$/g, '') || 'holiday';
    if (i === 0 && date.toLowerCase() === 'date') return;
    if (!Number.isFinite(parseIsoDay(date)) || date.length !== 10) {
      errors.push({ line: i + 1, reason: `not an ISO date (YYYY-MM-DD): ${JSON.stringify(date.slice(0, 40))}` });
      return;
    }
    dates.push({ date, name });
  });
  return { dates, errors };
}

/** A spec with the default calendar plus imported one-off dates. */
export function withDates(spec: HolidaySpec, dates: readonly { date: string; name: string }[]): HolidaySpec {
  return { ...spec, fixed: [...spec.fixed], rules: [...spec.rules], dates: [...spec.dates, ...dates] };
}
