import { describe, it, expect, beforeEach } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTenant } from '@/lib/tenants';
import { getHolidayCalendar, importHolidayCsv } from '@/lib/holidays';
import { expandHolidays } from '@/ml/features/holidays';
import { parseIsoDay } from '@/ml/data/dates';

beforeEach(async () => {
  process.env.FORESIGHT_HOME = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-holidays-'));
  await createTenant({ id: 'shop', name: 'Shop', tier: 'pro' });
});

describe('tenant holiday calendar', () => {
  it('defaults to the retailer calendar, and adds the dates of a CSV on top of a base', async () => {
    expect((await getHolidayCalendar('shop')).spec.name).toBe('ru');
    await importHolidayCsv('shop', 'ru', 'date,name\n2023-07-15,City festival\n', 'city.csv');
    const { spec, custom } = await getHolidayCalendar('shop');
    expect(custom).toBe(true);
    const days = expandHolidays(spec, parseIsoDay('2023-01-01'), parseIsoDay('2023-12-31'));
    expect([...days]).toContain(parseIsoDay('2023-07-15'));
    expect([...days]).toContain(parseIsoDay('2023-03-08'));
  });

  it('refuses a CSV with a bad date, saying the line, and keeps the previous calendar', async () => {
    await importHolidayCsv('shop', 'us-retail', '2023-07-04,Independence Day\n');
    await expect(importHolidayCsv('shop', 'ru', '2023-07-15,ok\n15/07/2023,bad\n')).rejects.toThrow(/line 2/);
    expect((await getHolidayCalendar('shop')).spec.dates).toEqual([{ date: '2023-07-04', name: 'Independence Day' }]);
  });
});
