import { describe, expect, it } from 'vitest';
import { COMPACT_FROM, DEFAULT_REGIONAL, formatSpan, formatterFor, formatInteger, formatPercent, formatSignedPercent } from '@/lib/format';
import { regionalSchema, tenantSchema } from '@/lib/schemas/tenant';
import { datasetLabels, defaultLabel, guessUnit, readableName } from '@/lib/datasets/labels';

describe('formatterFor: figures in the tenant’s currency, locale and zone', () => {
  const us = formatterFor(DEFAULT_REGIONAL);
  const de = formatterFor({ currency: 'EUR', locale: 'de-DE', timeZone: 'Europe/Berlin' });
  const ru = formatterFor({ currency: 'RUB', locale: 'en-US', timeZone: 'Europe/Moscow' });

  it('says money with its currency, and large amounts compactly', () => {
    expect(us.money(3437942)).toBe('$3,437,942');
    expect(us.moneyCompact(3437942)).toBe('$3.4M');
    expect(ru.moneyCompact(3437942)).toBe('₽3.4M');
    // German puts the symbol after the number and uses a decimal comma.
    expect(de.money(3437942).replace(/\s/g, ' ')).toBe('3.437.942 €');
    expect(de.moneyCompact(3437942).replace(/\s/g, ' ')).toBe('3,4 Mio. €');
    expect(us.money(2.5, { cents: true })).toBe('$2.50');
  });

  it('gives units their word, compact only from COMPACT_FROM up', () => {
    expect(us.units(1)).toBe('1 unit');
    expect(us.units(14178.4)).toBe('14,178 units');
    expect(us.units(14178.4, { compact: true })).toBe('14,178 units');
    expect(us.units(COMPACT_FROM * 34.4, { compact: true })).toBe('3.4M units');
    expect(us.compact(3437942)).toBe('3.4M');
    expect(us.measure(3437942, 'currency', { compact: true })).toBe('$3.4M');
    expect(us.measure(3437942, 'units')).toBe('3,437,942 units');
    expect(us.measure(3437942, 'number')).toBe('3,437,942');
  });

  it('writes percentages, changes and points in the locale', () => {
    expect(us.percent(0.682)).toBe('68.2%');
    expect(us.signedPercent(0.042)).toBe('+4.2%');
    expect(us.signedPercent(-0.01)).toBe('-1.0%');
    expect(de.percent(0.682).replace(/\s/g, ' ')).toBe('68,2 %');
    expect(us.points(-0.012)).toBe('−1.2 pts');
    expect(us.change(110, 100, 4)).toBe('+10.0%');
    expect(us.change(110, 0, 4)).toBe('no data');
    expect(us.percent(null)).toBe('—');
  });

  it('reads a calendar day in the date locale without shifting it by a zone, and an instant in the tenant’s zone', () => {
    expect(us.day('2012-10-26')).toBe('Oct 26, 2012');
    expect(de.day('2012-10-26')).toBe('26. Okt. 2012');
    // Day number 15639 is 2012-10-26.
    expect(us.day(15639)).toBe('Oct 26, 2012');
    // 23:30 UTC is already the next day in Berlin: the instant is shown there, with its zone.
    expect(de.dateTime('2026-03-01T23:30:00Z')).toBe('2. März 2026, 00:30 MEZ');
    expect(us.dateTime('2026-03-01T23:30:00Z')).toBe('Mar 1, 2026, 11:30 PM UTC');
  });

  it('titles an axis with its unit and gives Plotly the locale’s marks', () => {
    expect(us.title({ label: 'Revenue', unit: 'currency' })).toBe('Revenue (USD)');
    expect(us.title({ label: 'Units sold', unit: 'units' })).toBe('Units sold');
    expect(us.title({ label: 'Quantity', unit: 'units' })).toBe('Quantity (units)');
    expect(us.plotlySeparators).toBe('.,');
    expect(de.plotlySeparators).toBe(',.');
    expect(us.tickAffixes('currency')).toEqual({ tickprefix: '$' });
    expect(de.tickAffixes('currency')).toEqual({ ticksuffix: ' €' });
    expect(us.tickAffixes('units')).toEqual({});
  });

  it('counts spans in the data’s grain', () => {
    expect(formatSpan(30, 1)).toBe('30 days');
    expect(formatSpan(4, 7)).toBe('4 weeks');
    expect(formatSpan(1, 7)).toBe('1 week');
  });

  it('keeps the default-locale helpers as they were', () => {
    expect(formatInteger(3437942.4)).toBe('3,437,942');
    expect(formatPercent(0.0491)).toBe('4.9%');
    expect(formatSignedPercent(0.13)).toBe('+13.0%');
  });
});

describe('regional settings', () => {
  it('accept ISO 4217, BCP 47 and IANA values, canonicalised, and say what is wrong otherwise', () => {
    expect(regionalSchema.parse({ currency: 'eur', locale: 'de-de', timeZone: 'Europe/Berlin' })).toEqual({ currency: 'EUR', locale: 'de-DE', timeZone: 'Europe/Berlin' });
    const bad = regionalSchema.safeParse({ currency: 'EURO', locale: 'not a locale', timeZone: 'Mars/Olympus' });
    expect(bad.success).toBe(false);
    const fields = bad.error!.issues.map((i) => i.path.join('.'));
    expect(fields).toEqual(['currency', 'locale', 'timeZone']);
    expect(bad.error!.issues[0].message).toContain('ISO 4217');
  });

  it('default to US dollars, en-US and UTC for tenant records from before they existed', () => {
    const t = tenantSchema.parse({
      id: 'old',
      name: 'Old',
      tier: 'pro',
      status: 'active',
      createdAt: '2024-01-01T00:00:00Z',
      updatedAt: '2024-01-01T00:00:00Z',
      branding: { displayName: 'Old', primaryColor: '#1f6feb', accentColor: '#e36209', logoType: null, logoVersion: 0 },
    });
    expect(t.regional).toEqual({ currency: 'USD', locale: 'en-US', timeZone: 'UTC' });
  });
});

describe('display labels of dataset columns', () => {
  it('reads column names as words, known ones by their everyday names', () => {
    expect(defaultLabel('dept_name')).toBe('Department');
    expect(defaultLabel('quantity')).toBe('Units sold');
    expect(defaultLabel('sum_total')).toBe('Revenue');
    expect(defaultLabel('store')).toBe('Store');
    expect(readableName('Weekly_Sales')).toBe('Weekly sales');
    expect(readableName('CPI')).toBe('CPI');
    expect(readableName('unitPrice')).toBe('Unit price');
    expect(readableName('Fuel_Price')).toBe('Fuel price');
  });

  it('guesses what a target counts from its name', () => {
    expect(guessUnit('quantity')).toBe('units');
    expect(guessUnit('unit_sales')).toBe('units');
    expect(guessUnit('Weekly_Sales')).toBe('currency');
    expect(guessUnit('visits')).toBe('number');
  });

  const retail = { keyNames: ['store', 'item'], targetName: 'quantity', numeric: { sum_total: new Float64Array(0), price: new Float64Array(0) }, categorical: {} };
  it('gives the retail format units sold and revenue to switch between', () => {
    const l = datasetLabels(retail, null);
    expect(l.target).toMatchObject({ label: 'Units sold', unit: 'units' });
    expect(l.revenue).toMatchObject({ label: 'Revenue', unit: 'currency', column: 'sum_total' });
    expect(l.measures.map((m) => m.id)).toEqual(['units', 'revenue']);
    expect(`${l.label('store')} × ${l.label('dept_name')}`).toBe('Store × Department');
  });

  it('uses the labels and unit set in the import wizard, by source column', () => {
    const walmart = { keyNames: ['store'], targetName: 'Weekly_Sales', numeric: { Temperature: new Float64Array(0) }, categorical: {} };
    expect(datasetLabels(walmart, { keys: { store: 'Store' } }).target).toMatchObject({ label: 'Weekly sales', unit: 'currency' });
    const set = datasetLabels(walmart, { keys: { store: 'Store' }, labels: { Store: 'Shop', Weekly_Sales: 'Turnover', Temperature: 'Temperature (°F)' }, targetUnit: 'number' });
    expect(set.label('store')).toBe('Shop');
    expect(set.label('Temperature')).toBe('Temperature (°F)');
    expect(set.target).toMatchObject({ label: 'Turnover', unit: 'number' });
    expect(set.measures).toHaveLength(1);
  });
});
