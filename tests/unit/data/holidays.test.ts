import { describe, expect, it } from 'vitest';
import { expandHolidays, listHolidays, parseHolidayCsv, RUSSIAN_HOLIDAYS, US_RETAIL_HOLIDAYS, withDates } from '@/ml/features/holidays';
import { dayFromCivil, formatDay } from '@/ml/data/dates';
import { calendarFeatures, CALENDAR_FEATURES } from '@/ml/features/calendar';

const days = (spec: Parameters<typeof expandHolidays>[0], year: number): string[] =>
  Array.from(expandHolidays(spec, dayFromCivil(year, 1, 1), dayFromCivil(year, 12, 31)), formatDay);

describe('holiday calendars', () => {
  it('has the Russian public holidays', () => {
    const d = days(RUSSIAN_HOLIDAYS, 2023);
    for (const x of ['2023-01-01', '2023-01-08', '2023-02-23', '2023-03-08', '2023-05-01', '2023-05-09', '2023-06-12', '2023-11-04']) expect(d).toContain(x);
    expect(d).not.toContain('2023-01-09');
    expect(d.length).toBe(14);
  });

  it('computes the floating US retail holidays', () => {
    expect(days(US_RETAIL_HOLIDAYS, 2010)).toEqual(['2010-02-07', '2010-09-06', '2010-11-25', '2010-12-25']);
    expect(days(US_RETAIL_HOLIDAYS, 2012)).toEqual(['2012-02-05', '2012-09-03', '2012-11-22', '2012-12-25']);
  });

  it('parses a CSV of dates with an optional name and header, reporting bad lines', () => {
    const r = parseHolidayCsv('\uFEFFdate,name\r\n2024-03-08,Women\r\n2024-13-01,bad\r\n\r\n2024-12-31\r\n');
    expect(r.dates).toEqual([{ date: '2024-03-08', name: 'Women' }, { date: '2024-12-31', name: 'holiday' }]);
    expect(r.errors).toEqual([{ line: 3, reason: expect.stringContaining('ISO date') }]);
    const spec = withDates({ ...RUSSIAN_HOLIDAYS, fixed: [] }, r.dates);
    expect(days(spec, 2024)).toEqual(['2024-03-08', '2024-12-31']);
    expect(listHolidays(spec, dayFromCivil(2024, 1, 1), dayFromCivil(2024, 12, 31))[1]).toEqual({ date: '2024-12-31', name: 'holiday' });
  });

  it('gives calendar features with distances to and from the nearest holiday', () => {
    const h = expandHolidays(RUSSIAN_HOLIDAYS, dayFromCivil(2022, 1, 1), dayFromCivil(2024, 12, 31));
    const out = new Float64Array(CALENDAR_FEATURES.length);
    calendarFeatures(dayFromCivil(2023, 5, 6), 1, h, out, 0, 1); // a Saturday, 3 days before Victory Day
    const f = Object.fromEntries(CALENDAR_FEATURES.map((n, i) => [n, out[i]]));
    expect(f).toMatchObject({ dow: 5, dom: 6, month: 5, quarter: 2, year: 2023, weekend: 1, holiday: 0, days_to_holiday: 3, days_from_holiday: 5, week: 18 });
    calendarFeatures(dayFromCivil(2023, 5, 9), 1, h, out, 0, 1);
    expect([out[7], out[8], out[9]]).toEqual([1, 0, 0]);
    calendarFeatures(dayFromCivil(2023, 5, 12), 7, h, out, 0, 1); // the week ending on 12 May holds 9 May
    expect(out[7]).toBe(1);
  });
});
