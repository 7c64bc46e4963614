import { describe, it, expect, beforeEach } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateRetailDemo, RETAIL_FILES } from '@/ml/data/generator';
import { createTenant, getTenantOrThrow } from '@/lib/tenants';
import { ingestDataset } from '@/lib/datasets/ingest';
import { latestDriftReport } from '@/lib/monitoring/drift';
import { listAlerts } from '@/lib/alerts';
import { SYSTEM_ACTOR } from '@/lib/audit';

beforeEach(async () => {
  process.env.FORESIGHT_HOME = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-drift-'));
  await createTenant({ id: 'shop', name: 'Shop', tier: 'enterprise' });
});

const START = '2022-01-01';
function files(days: number, change?: (name: string, text: string) => string) {
  const demo = generateRetailDemo({ seed: 11, scale: 0.5, days, startDate: START });
  return RETAIL_FILES.map((name) => ({ name, bytes: change ? change(name, demo.files[name]) : demo.files[name] }));
}

/**
 * A price rise from `from` on: every (item, store) gets a new price_history row on that date at
 * `factor` times its last price, and its later rows are dropped (so the rise holds).
 */
function raisePrices(from: string, factor: number) {
  return (name: string, text: string) => {
    if (name !== 'price_history.csv') return text;
    const [header, ...lines] = text.split('\n').filter(Boolean);
    const cols = header.split(',');
    const [di, pi, ii, si] = ['date', 'price', 'item_id', 'store_id'].map((c) => cols.indexOf(c));
    const last = new Map<string, string[]>();
    const kept: string[] = [];
    for (const l of lines) {
      const cells = l.split(',');
      if (cells[di] >= from) continue;
      kept.push(l);
      const key = `${cells[ii]}|${cells[si]}`;
      const prev = last.get(key);
      if (!prev || prev[di] <= cells[di]) last.set(key, cells);
    }
    let index = kept.length + 1_000_000;
    const added = [...last.values()].map((cells) => {
      const c = [...cells];
      c[0] = String(index++);
      c[di] = from;
      c[pi] = (Number(c[pi]) * factor).toFixed(2);
      return c.join(',');
    });
    return [header, ...kept, ...added].join('\n') + '\n';
  };
}

describe('drift on newly imported days', () => {
  it('unchanged new days stay under PSI 0.1 and raise no alert', async () => {
    await ingestDataset(await getTenantOrThrow('shop'), { format: 'retail', files: files(240) }, SYSTEM_ACTOR);
    const out = await ingestDataset(await getTenantOrThrow('shop'), { format: 'retail', files: files(270) }, SYSTEM_ACTOR);
    expect(out.appendedRows).toBeGreaterThan(0);
    const report = await latestDriftReport('shop');
    const tested = report!.columns.filter((c) => c.psi !== null);
    expect(tested.map((c) => c.name)).toContain('price');
    for (const c of tested) expect(c.psi, c.name).toBeLessThan(0.1);
    expect(await listAlerts('shop')).toHaveLength(0);
  });

  it('a shifted feature in the new days goes over 0.25 and raises an alert', async () => {
    await ingestDataset(await getTenantOrThrow('shop'), { format: 'retail', files: files(240) }, SYSTEM_ACTOR);
    const out = await ingestDataset(await getTenantOrThrow('shop'), { format: 'retail', files: files(270, raisePrices('2022-08-29', 1.6)) }, SYSTEM_ACTOR);
    expect(out.drifted).toContain('price');
    const price = (await latestDriftReport('shop'))!.columns.find((c) => c.name === 'price')!;
    expect(price.psi).toBeGreaterThan(0.25);
    const alerts = await listAlerts('shop', { open: true });
    expect(alerts.some((a) => a.kind === 'drift' && a.title.includes('price'))).toBe(true);
  });
});
