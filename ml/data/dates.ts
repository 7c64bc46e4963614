/**
 * Calendar arithmetic on day numbers: days since 1970-01-01 (UTC), stored in Int32Array columns.
 * Integers make as-of joins, lags "by calendar days" and sorting plain integer work, and avoid
 * Date objects (and time zones) in the hot loops.
 *
 * Civil-from-days and days-from-civil follow Howard Hinnant's public-domain algorithms
 * ("chrono-Compatible Low-Level Date Algorithms").
 */

/** Day number of a proleptic Gregorian date (month 1-12). */
export function dayFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Year, month (1-12) and day of month of a day number. */
export function civilFromDay(dayNumber: number): { year: number; month: number; day: number } {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** True when the triple is a real calendar date (rejects 2023-02-30). */
export function isValidCivil(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) && Number.isInteger(month) && Number.isInteger(day) &&
    year >= 1000 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
  );
}

/**
 * Parses `YYYY-MM-DD` (an optional time part after `T` or a space is ignored) to a day number.
 * Returns NaN for anything else, including impossible dates. Hand-written because it runs once
 * per CSV row: no regex, no Date allocation.
 */
export function parseIsoDay(text: string): number {
  if (text.length < 10) return NaN;
  if (text.length > 10) {
    const sep = text.charCodeAt(10);
    if (sep !== 84 /* T */ && sep !== 32 /* space */) return NaN;
  }
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return NaN;
  const y = digits(text, 0, 4);
  const m = digits(text, 5, 2);
  const d = digits(text, 8, 2);
  if (!isValidCivil(y, m, d)) return NaN;
  return dayFromCivil(y, m, d);
}

// `T` or a space, HH:MM, optional :SS with a fraction, then an optional zone (Z, ±HH, ±HHMM, ±HH:MM).
const TIME_OF_DAY = /^[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)? ?(?:Z|[+-](\d{2})(?::?(\d{2}))?)?$/i;

/**
 * True when `rest` (what follows a date) is exactly a time of day with an optional zone, as
 * spreadsheets and tills write it: `T23:30:00-05:00`, ` 10:00:00Z`, ` 07:15`, `T10:00:00.123+0300`.
 * Hours 00-23, minutes 00-59, seconds 00-60 (a leap second), zone hours 00-23.
 */
export function isTimeOfDay(rest: string): boolean {
  const m = TIME_OF_DAY.exec(rest);
  if (!m) return false;
  const [, hh, mm, ss, zh, zm] = m;
  return Number(hh) <= 23 && Number(mm) <= 59 && (ss === undefined || Number(ss) <= 60) && (zh === undefined || Number(zh) <= 23) && (zm === undefined || Number(zm) <= 59);
}

/**
 * Day number of `YYYY-MM-DD`, optionally followed by a time of day and zone (`isTimeOfDay`): the
 * calendar date written, i.e. the local date of whoever recorded it; the time and zone are not
 * applied (a till's 23:30 at UTC-5 is a sale of that evening, not of the next UTC day).
 * NaN for anything else.
 */
export function parseLocalIsoDay(text: string): number {
  if (text.length === 10) return parseIsoDay(text);
  if (text.length < 10 || !isTimeOfDay(text.slice(10))) return NaN;
  return parseIsoDay(text.slice(0, 10));
}

function digits(text: string, start: number, count: number): number {
  let v = 0;
  for (let i = start; i < start + count; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return v;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** Formats a day number as `YYYY-MM-DD`. */
export function formatDay(dayNumber: number): string {
  const { year, month, day } = civilFromDay(dayNumber);
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

/** Day of week, Monday = 0 ... Sunday = 6 (1970-01-01 was a Thursday). */
export function dayOfWeek(dayNumber: number): number {
  return (((dayNumber + 3) % 7) + 7) % 7;
}

/** ISO 8601 week number (1-53). */
export function isoWeek(dayNumber: number): number {
  const dow = dayOfWeek(dayNumber);
  const thursday = dayNumber - dow + 3;
  const { year } = civilFromDay(thursday);
  const firstThursdayYearStart = dayFromCivil(year, 1, 1);
  return Math.floor((thursday - firstThursdayYearStart) / 7) + 1;
}

/** Day of year, 1-366. */
export function dayOfYear(dayNumber: number): number {
  const { year } = civilFromDay(dayNumber);
  return dayNumber - dayFromCivil(year, 1, 1) + 1;
}
