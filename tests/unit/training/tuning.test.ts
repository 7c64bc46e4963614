import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { US_RETAIL_HOLIDAYS } from '@/ml/features/holidays';
import { importGeneric } from '@/lib/ingest/generic';
import { trainOnTable, type TrainingTrial } from '@/ml/training';
import { WALMART_CSV } from '../../support/paths';

function walmartInput() {
  const res = importGeneric(
    { name: 'Walmart.csv', bytes: new Uint8Array(readFileSync(WALMART_CSV)) },
    { date: 'Date', target: 'Weekly_Sales', keys: { store: 'Store' }, numeric: ['Holiday_Flag', 'Temperature', 'Fuel_Price', 'CPI', 'Unemployment'] } as Parameters<typeof importGeneric>[1],
  );
  if (!res.table) throw new Error('walmart import failed');
  return { table: res.table, holidays: US_RETAIL_HOLIDAYS, datasetFingerprint: res.fingerprint };
}

describe('tuning, progress and cancellation', () => {
  it('reports every tuning trial (rolling-origin CV) and progress up to the total', async () => {
    const seen: TrainingTrial[] = [];
    const progress: [number, number][] = [];
    const run = await trainOnTable(walmartInput(), { algorithms: ['gbm'], tune: true, tuneTrials: 2, seed: 1, onTrial: (t) => seen.push(t) }, (d, t) => progress.push([d, t]));
    expect(seen).toHaveLength(2);
    expect(run.trials).toEqual(seen);
    for (const t of seen) {
      expect(t.algorithm).toBe('gbm');
      expect(t.status).toBe('ok');
      expect(t.metrics.fold1_wape).toBeGreaterThan(0);
    }
    const [lastDone, total] = progress[progress.length - 1];
    expect(lastDone).toBe(total);
    expect(Object.keys(run.models)).toEqual(['gbm']);
    expect(run.artifact.algorithm).toBe('gbm');
  }, 60_000);

  it('stops when the signal aborts and rejects bad options', async () => {
    const input = walmartInput();
    const ctl = new AbortController();
    const p = trainOnTable(input, { algorithms: ['ridge'] }, (done) => {
      if (done >= 1) ctl.abort(new Error('cancelled by test'));
    }, ctl.signal);
    await expect(p).rejects.toThrow('cancelled by test');
    await expect(trainOnTable(input, { holdoutDays: 3 })).rejects.toThrow(RangeError);
    await expect(trainOnTable(input, { seed: 1.5 })).rejects.toThrow(RangeError);
  }, 30_000);
});
