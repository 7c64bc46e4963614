import { describe, it, expect, beforeEach } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTenant } from '@/lib/tenants';
import { readFileSync } from 'node:fs';
import { getHolidayCalendar, importHolidayCsv } from '@/lib/holidays';
import { getTenantOrThrow } from '@/lib/tenants';
import { ingestDataset } from '@/lib/datasets/ingest';
import { SYSTEM_ACTOR } from '@/lib/audit';
import { WALMART_CSV } from '../../support/paths';
import { tinyRetail } from '../data/helpers';
import { expandHolidays } from '@/ml/features/holidays';
import { parseIsoDay } from '@/ml/data/dates';

beforeEach(async () => {
  process.env.FORESIGHT_HOME = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-holidays-'));
  await createTenant({ id: 'shop', name: 'Shop', tier: 'pro' });
});

describe('tenant holiday calendar', () => {
  it('without data the calendar is none, and adds the dates of a CSV on top of a base', async () => {
    expect((await getHolidayCalendar('shop')).spec.name).toBe('none');
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

  it('defaults from the data: ru for the retailer files, us-retail for a Walmart-like holiday flag, none for a CSV without one', async () => {
    await createTenant({ id: 'retail', name: 'Retail', tier: 'pro' });
    await ingestDataset(await getTenantOrThrow('retail'), { format: 'retail', files: tinyRetail() }, SYSTEM_ACTOR, undefined, undefined, { retrain: false });
    expect(await getHolidayCalendar('retail')).toMatchObject({ custom: false, base: 'ru' });

    await createTenant({ id: 'walmart', name: 'Walmart', tier: 'pro' });
    const mapping = { date: 'Date', target: 'Weekly_Sales', keys: { store: 'Store' }, numeric: ['Holiday_Flag', 'Temperature'] };
    await ingestDataset(await getTenantOrThrow('walmart'), { format: 'generic', file: { name: 'Walmart.csv', bytes: new Uint8Array(readFileSync(WALMART_CSV)) }, mapping }, SYSTEM_ACTOR, undefined, undefined, { retrain: false });
    const walmart = await getHolidayCalendar('walmart');
    expect(walmart).toMatchObject({ custom: false, base: 'us-retail' });
    expect(walmart.spec.name).toBe('us-retail');
    expect(walmart.reason).toContain('Holiday_Flag');

    await createTenant({ id: 'plain', name: 'Plain', tier: 'pro' });
    const plain = 'date,sales\n2024-01-01,3\n2024-01-02,4\n2024-01-03,5\n';
    await ingestDataset(await getTenantOrThrow('plain'), { format: 'generic', file: { name: 'p.csv', bytes: new TextEncoder().encode(plain) }, mapping: { date: 'date', target: 'sales' } }, SYSTEM_ACTOR, undefined, undefined, { retrain: false });
    expect(await getHolidayCalendar('plain')).toMatchObject({ custom: false, base: 'none' });
  });

  it("reads a holiday file's dates in the data's own format (8/10/2012 is 8 October for DD/MM data), or the one format they all fit", async () => {
    await createTenant({ id: 'walmart2', name: 'Walmart', tier: 'pro' });
    const mapping = { date: 'Date', target: 'Weekly_Sales', keys: { store: 'Store' } };
    await ingestDataset(await getTenantOrThrow('walmart2'), { format: 'generic', file: { name: 'Walmart.csv', bytes: new Uint8Array(readFileSync(WALMART_CSV)) }, mapping }, SYSTEM_ACTOR, undefined, undefined, { retrain: false });
    const spec = await importHolidayCsv('walmart2', 'us-retail', 'date,name\r\n8/10/2012,Columbus Day\r\n5/11/2012,Store event\r\n', 'local.csv');
    expect(spec.dates).toEqual([
      { date: '2012-10-08', name: 'Columbus Day' },
      { date: '2012-11-05', name: 'Store event' },
    ]);
    expect((await getHolidayCalendar('walmart2')).base).toBe('us-retail');
    // A day above 12 decides the form whatever the data's: 10/25/2012 can only be October 25.
    const us = await importHolidayCsv('walmart2', 'none', '10/25/2012,Fair\n', 'fair.csv');
    expect(us.dates).toEqual([{ date: '2012-10-25', name: 'Fair' }]);
    // The retailer's data is ISO: its holiday files are read as ISO.
    await expect(importHolidayCsv('shop', 'ru', '2023-07-15,ok\n2023-02-30,bad\n')).rejects.toThrow(/line 2/);
  });
});
