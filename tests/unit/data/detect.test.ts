import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { previewCsv } from '@/lib/ingest/generic';
import { WALMART_CSV } from '../../support/paths';

const preview = (text: string | Uint8Array, name = 'f.csv') => previewCsv({ name, bytes: typeof text === 'string' ? new TextEncoder().encode(text) : text });

describe('the import wizard guesses the mapping', () => {
  it('Walmart.csv: Store is the series key, Weekly_Sales the target, the rest numeric; weekly, 143 weeks, 45 stores; US retail holidays', () => {
    const p = preview(new Uint8Array(readFileSync(WALMART_CSV)), 'Walmart.csv');
    const d = p.detected!;
    expect(d.date).toBe('Date');
    expect(d.dateFormat).toBe('DD/MM/YYYY');
    expect(d.keys).toEqual(['Store']);
    expect(d.target).toBe('Weekly_Sales');
    expect(d.numeric).toEqual(['Holiday_Flag', 'Temperature', 'Fuel_Price', 'CPI', 'Unemployment']);
    expect(d.frequency).toBe('weekly');
    expect(d.unique).toBe(true);
    expect(d.summary).toBe('weekly, 143 weeks, 45 stores');
    expect(d.holidays).toEqual({ column: 'Holiday_Flag', calendar: 'us-retail' });
    // Line endings are no warning.
    expect(p.report.warnings).toEqual([]);
  });

  it('store and item ids together make each date unique; a text attribute is a category; a measure is not a key', () => {
    const lines = ['day,shop,sku,units,price,segment'];
    for (const day of ['2024-01-01', '2024-01-02', '2024-01-03']) for (const shop of ['1', '2']) for (const sku of ['a', 'b', 'c']) lines.push(`${day},${shop},${sku},${(shop.charCodeAt(0) + sku.charCodeAt(0)) % 7},${sku === 'a' ? '1.5' : '2.25'},${shop === '1' ? 'big' : 'small'}`);
    const d = preview(`${lines.join('\r\n')}\r\n`).detected!;
    expect(d.keys.sort()).toEqual(['shop', 'sku']);
    expect(d.target).toBe('units');
    expect(d.numeric).toEqual(['price']);
    expect(d.categorical).toEqual(['segment']);
    expect(d.frequency).toBe('daily');
    expect(d.summary).toBe('daily, 3 days, 2 shops, 3 skus, 6 series');
    expect(d.holidays).toBeNull();
  });

  it('one series per date: no key; rows that nothing tells apart are said', () => {
    const single = preview('date,sales\n2024-01-01,3\n2024-01-02,4\n2024-01-03,5\n').detected!;
    expect(single.keys).toEqual([]);
    expect(single.unique).toBe(true);
    expect(single.summary).toBe('daily, 3 days');
    const repeated = preview('date,sales\n2024-01-01,3\n2024-01-01,4\n2024-01-02,5\n2024-01-02,6\n').detected!;
    expect(repeated.unique).toBe(false);
  });

  it('a holiday flag that follows no built-in calendar is said to follow none', () => {
    const lines = ['Date,Store,Sales,Holiday'];
    for (let w = 0; w < 20; w++) {
      const d = new Date(Date.UTC(2021, 2, 5 + 7 * w)).toISOString().slice(0, 10);
      for (const s of ['1', '2']) lines.push(`${d},${s},${100 + w},${w % 5 === 0 ? 1 : 0}`);
    }
    expect(preview(lines.join('\n')).detected!.holidays).toEqual({ column: 'Holiday', calendar: null });
  });
});
