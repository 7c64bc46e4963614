/**
 * Holiday calendars: a serialisable description (saved with the feature pipeline) and its
 * expansion to sorted day numbers for a date range.
 */
import { z } from 'zod';
import { civilFromDay, dayFromCivil, dayOfWeek, parseIsoDay, formatDay } from '../data/dates';
import type { DailyTable } from '../data/table';

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

/** How `parseHolidayCsv` reads a date: a day number (NaN when it is not one) and the form's name for errors. */
export interface HolidayDateReader {
  parseDay: (text: string) => number;
  /** e.g. `DD/MM/YYYY`, named in the error of a line that is not in that form. */
  format: string;
}

/** ISO dates only, as the file format was before its dates followed the data's. */
export const ISO_DATE_READER: HolidayDateReader = { parseDay: (s) => (s.length === 10 ? parseIsoDay(s) : NaN), format: 'YYYY-MM-DD' };

/** The first field of each non-empty line of a holiday CSV, without a header line (`date,...`). */
export function holidayCsvDates(text: string): string[] {
  const out: string[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((raw, i) => {
      const line = raw.trim();
      if (line === '') return;
      const comma = line.indexOf(',');
      const date = (comma < 0 ? line : line.slice(0, comma)).trim().replace(/^"|"$/g, '');
      if (i === 0 && date.toLowerCase() === 'date') return;
      out.push(date);
    });
  return out;
}

/**
 * Parses a CSV of holiday dates: `date[,name]`, an optional header row (`date,...`), blank lines
 * ignored, dates read by `reader` (ISO by default; the Data page reads them in the data's own
 * format). Returns the dates, as ISO, to put in `HolidaySpec.dates` and the line errors.
 */
export function parseHolidayCsv(text: string, reader: HolidayDateReader = ISO_DATE_READER): { dates: { date: string; name: string }[]; errors: { line: number; reason: string }[] } {
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
    const day = reader.parseDay(date);
    if (!Number.isFinite(day)) {
      const what = reader.format === ISO_DATE_READER.format ? 'an ISO date (YYYY-MM-DD)' : `a date in the form ${reader.format}`;
      errors.push({ line: i + 1, reason: `not ${what}: ${JSON.stringify(date.slice(0, 40))}` });
      return;
    }
    dates.push({ date: formatDay(day), name });
  });
  return { dates, errors };
}

/** How well a 0/1 holiday flag of the data agrees with a calendar. */
export interface FlagAgreement {
  /** Periods the flag marks, and how many of them hold a holiday of the calendar. */
  flagged: number;
  flaggedWithHoliday: number;
  /** Periods of the data's range holding a holiday of the calendar, and how many of them the flag marks. */
  holidayPeriods: number;
  holidayPeriodsFlagged: number;
}

/**
 * Compares the periods a flag marks with a calendar's holidays: a period ending on day `d` (a day,
 * or the week d-6..d for weekly data, as the calendar features read it) holds a holiday when one
 * of its days is one. `periods` are the data's distinct period days; `flagged` those marked.
 */
export function flagAgreement(spec: HolidaySpec, periods: readonly number[], flagged: ReadonlySet<number>, step: number): FlagAgreement {
  const sorted = [...new Set(periods)].sort((a, b) => a - b);
  if (sorted.length === 0) return { flagged: 0, flaggedWithHoliday: 0, holidayPeriods: 0, holidayPeriodsFlagged: 0 };
  const holidays = expandHolidays(spec, sorted[0] - step + 1, sorted[sorted.length - 1]);
  const holds = (d: number) => {
    for (const h of holidays) if (h > d - step && h <= d) return true;
    return false;
  };
  let nFlagged = 0;
  let flaggedWithHoliday = 0;
  let holidayPeriods = 0;
  let holidayPeriodsFlagged = 0;
  for (const d of sorted) {
    const f = flagged.has(d);
    const h = holds(d);
    if (f) nFlagged++;
    if (f && h) flaggedWithHoliday++;
    if (h) holidayPeriods++;
    if (h && f) holidayPeriodsFlagged++;
  }
  return { flagged: nFlagged, flaggedWithHoliday, holidayPeriods, holidayPeriodsFlagged };
}

/** Whether a flag is that calendar: at least 80% of its periods hold a holiday, and it marks at least half the holiday periods. */
export function flagIsCalendar(a: FlagAgreement): boolean {
  return a.flagged > 0 && a.flaggedWithHoliday >= 0.8 * a.flagged && a.holidayPeriodsFlagged >= 0.5 * a.holidayPeriods;
}

/** Columns a dataset marks its holiday periods with (Walmart's `Holiday_Flag`): a name containing "holiday". */
export const HOLIDAY_FLAG_PATTERN = /holiday/i;

/** The built-in calendars a holiday flag of the data is compared with, in order. */
export const FLAG_CALENDARS: readonly HolidaySpec[] = [US_RETAIL_HOLIDAYS, RUSSIAN_HOLIDAYS];

/**
 * The built-in calendar a 0/1 holiday flag of the data follows (`FLAG_CALENDARS`), or null when
 * none does. `periods` are the data's distinct period days, `flagged` those the flag marks.
 */
export function calendarOfFlag(periods: readonly number[], flagged: ReadonlySet<number>, step: number): HolidaySpec | null {
  return FLAG_CALENDARS.find((spec) => flagIsCalendar(flagAgreement(spec, periods, flagged, step))) ?? null;
}

/**
 * The holiday flag column of a table (numeric, named like `HOLIDAY_FLAG_PATTERN`, only 0 and 1)
 * and the built-in calendar it follows (null: none does), or null when the table has no flag.
 */
export function holidayFlagOfTable(t: DailyTable): { column: string; spec: HolidaySpec | null } | null {
  const column = Object.keys(t.numeric).find((c) => {
    if (!HOLIDAY_FLAG_PATTERN.test(c)) return false;
    const v = t.numeric[c];
    let ones = 0;
    for (let r = 0; r < t.rows; r++) {
      if (Number.isNaN(v[r])) continue;
      if (v[r] !== 0 && v[r] !== 1) return false;
      ones += v[r];
    }
    return ones > 0;
  });
  if (!column) return null;
  const periods = new Set<number>();
  const flagged = new Set<number>();
  const v = t.numeric[column];
  for (let r = 0; r < t.rows; r++) {
    periods.add(t.day[r]);
    if (v[r] === 1) flagged.add(t.day[r]);
  }
  return { column, spec: calendarOfFlag([...periods], flagged, t.step) };
}

/** A spec with the default calendar plus imported one-off dates. */
export function withDates(spec: HolidaySpec, dates: readonly { date: string; name: string }[]): HolidaySpec {
  return { ...spec, fixed: [...spec.fixed], rules: [...spec.rules], dates: [...spec.dates, ...dates] };
}
