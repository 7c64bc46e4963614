import { describe, it, expect } from 'vitest';
import { auditCsv, experimentsCsv, forecastCsv, percentCell, roundFigure, utcCell } from '@/lib/exports';
import { escapeCsvCell, toCsv } from '@/lib/csv';
import type { AuditRecord } from '@/lib/audit';
import type { Experiment } from '@/lib/experiments';
import type { SelectionForecast } from '@/lib/forecast/service';
import { importRetail } from '@/lib/ingest/retail';
import { resolveSelection } from '@/ml/data/selection';
import { dateRange } from '@/ml/data/table';
import { formatDay } from '@/ml/data/dates';
import { tinyRetail } from '../data/helpers';

describe('CSV cells a spreadsheet reads', () => {
  it('rounds figures to what they mean, ratios as percentages, times as UTC date and time', () => {
    expect(roundFigure(1643690.91)).toBe(1643691);
    expect(roundFigure(42.123456)).toBe(42.12);
    expect(roundFigure(0.0123456)).toBe(0.01);
    expect(roundFigure(-0.001)).toBe(0);
    expect(roundFigure(0)).toBe(0);
    expect(roundFigure(NaN)).toBeNull();
    expect(percentCell(0.6189)).toBe('61.9%');
    expect(percentCell(-0.034)).toBe('-3.4%');
    expect(percentCell(null)).toBeNull();
    expect(utcCell('2026-03-04T10:20:30.123Z')).toBe('2026-03-04 10:20:30');
  });

  it('percentages are data, not formulas: no quote before -3.4%, while formulas stay escaped', () => {
    expect(escapeCsvCell('-3.4%')).toBe('-3.4%');
    expect(escapeCsvCell('+12.0%')).toBe('+12.0%');
    expect(escapeCsvCell('-3.4%+A1')).toBe("'-3.4%+A1");
    expect(escapeCsvCell('=1+1')).toBe("'=1+1");
  });
});

describe('the audit CSV', () => {
  it('puts each detail in its own column, the most frequent first; nested values as JSON', () => {
    const rec = (action: string, details: Record<string, unknown>): AuditRecord => ({ id: action, at: '2026-01-02T03:04:05.000Z', actor: { type: 'user', id: 'u', label: 'ana@x.test' }, action, target: 't', outcome: 'success', ip: '127.0.0.1', details });
    const { header, rows } = auditCsv([rec('forecasts.export', { store: '1', rows: 28, model_version: 'v2' }), rec('users.role', { role: 'analyst', target: 'x' }), rec('jobs.train', { rows: 3, params: { tune: true } })]);
    expect(header).toEqual(['at_utc', 'actor_type', 'actor', 'action', 'target', 'outcome', 'ip', 'rows', 'model_version', 'params', 'role', 'store', 'detail_target', 'id']);
    expect(rows[0]).toEqual(['2026-01-02 03:04:05', 'user', 'ana@x.test', 'forecasts.export', 't', 'success', '127.0.0.1', 28, 'v2', null, null, '1', null, 'forecasts.export']);
    expect(rows[1][header.indexOf('role')]).toBe('analyst');
    expect(rows[1][header.indexOf('detail_target')]).toBe('x');
    expect(rows[2][header.indexOf('params')]).toBe('{"tune":true}');
    expect(header).not.toContain('details');
  });
});

describe('the experiments CSV', () => {
  it('has a column per metric (ratios as percentages) and per parameter, and the duration in seconds', () => {
    const e = (id: string, metrics: Record<string, number | null>, params: Record<string, unknown>): Experiment => ({ id, at: '2026-01-02T03:04:05.000Z', kind: 'train', algorithm: 'gbm', status: 'succeeded', params, metrics, folds: [], durationMs: 12345, datasetFingerprint: 'abc', error: null, versionId: 'v1', jobId: null, author: 'a' });
    const { header, rows } = experimentsCsv([e('e1', { wape: 0.6821, mae: 3.14159, rmse: 4.5 }, { learningRate: 0.1, maxDepth: 6 }), e('e2', { wape: 0.7, smape: 0.55 }, { learningRate: 0.05 })]);
    expect(header).toEqual(['id', 'at_utc', 'kind', 'algorithm', 'status', 'version', 'duration_s', 'wape', 'mae', 'rmse', 'smape', 'param_learningRate', 'param_maxDepth', 'dataset_fingerprint', 'error']);
    expect(rows[0]).toEqual(['e1', '2026-01-02 03:04:05', 'train', 'gbm', 'succeeded', 'v1', 12.3, '68.2%', 3.14, 4.5, null, 0.1, 6, 'abc', null]);
    expect(rows[1][header.indexOf('smape')]).toBe('55.0%');
  });
});

describe('the forecast CSV', () => {
  const table = importRetail(tinyRetail()).table!;
  const { last } = dateRange(table);
  const forecast = (points: number): SelectionForecast => ({
    generated_at: '2026-01-02T03:04:05.678Z',
    model_version: 'v7',
    selection: { store: '1', item: 'a1', label: 'x', series: 1 },
    horizon: points,
    step: 1,
    points: Array.from({ length: points }, (_, k) => ({ date: formatDay(last + 1 + k), forecast: 2.345678 + k, p80: [1.0049, 3.99999], p95: [0.5, 5.123] })),
    intervals: { calibrated_on: 'series', method: 'level' },
  });

  it('has the dimensions with names, the actuals before the forecast, rounded figures and the model version and time on every row', () => {
    const sel = resolveSelection(table, { store: '1', item: 'A1' });
    const { header, rows } = forecastCsv(table, sel, forecast(2));
    expect(header).toEqual(['date', 'store', 'store_name', 'category', 'item', 'item_name', 'actual', 'forecast', 'p80_low', 'p80_high', 'p95_low', 'p95_high', 'last_year', 'model_version', 'generated_at_utc']);
    const forecastRows = rows.filter((r) => r[7] !== null);
    expect(forecastRows).toEqual([
      [formatDay(last + 1), '1', 'Москва, Гипермаркет', 'Молочная продукция', 'a1', 'Молоко пастеризованное', null, 2.35, 1, 4, 0.5, 5.12, null, 'v7', '2026-01-02 03:04:05'],
      [formatDay(last + 2), '1', 'Москва, Гипермаркет', 'Молочная продукция', 'a1', 'Молоко пастеризованное', null, 3.35, 1, 4, 0.5, 5.12, null, 'v7', '2026-01-02 03:04:05'],
    ]);
    // As many days of history before it as it has ahead, with their actuals.
    const history = rows.filter((r) => r[7] === null);
    expect(history.map((r) => r[0])).toEqual([formatDay(last - 1), formatDay(last)]);
    for (const r of history) expect(typeof r[6]).toBe('number');
    // It goes through the formula-escaping writer like every export.
    expect(toCsv(header, rows).split('\r\n')[0]).toBe(header.join(','));
  });

  it('says "all" for a dimension the selection spans', () => {
    const { header, rows } = forecastCsv(table, resolveSelection(table, {}), forecast(1));
    const at = (c: string) => rows[rows.length - 1][header.indexOf(c)];
    expect([at('store'), at('store_name'), at('item'), at('item_name')]).toEqual(['all', null, 'all', null]);
  });
});
