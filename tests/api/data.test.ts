import { describe, it, expect, beforeAll } from 'vitest';
import fs from 'node:fs';
import { api, makeKey } from '../support/http';

import { WALMART_CSV as WALMART } from '../support/paths';
type Job = { id: string; status: string; error: string | null; result: Record<string, unknown> | null };

let otherManager: string;
let otherViewer: string;
let demoAdmin: string;
beforeAll(async () => {
  otherManager = await makeKey('other', 'manager');
  otherViewer = await makeKey('other', 'viewer');
  demoAdmin = await makeKey('demo', 'admin');
});

async function waitForJob(id: string, key: string): Promise<Job> {
  for (let i = 0; i < 300; i++) {
    const res = await api(`/api/v1/jobs/${id}`, { key });
    const { job } = (await res.json()) as { job: Job };
    if (!['queued', 'running'].includes(job.status)) return job;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`job ${id} did not finish`);
}

function upload(parts: Record<string, string>, files: { name: string; content: Buffer | string }[]): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(parts)) form.append(k, v);
  for (const f of files) form.append('files', new Blob([typeof f.content === 'string' ? f.content : new Uint8Array(f.content)]), f.name);
  return form;
}

describe('data import through the API', () => {
  it('refuses a file with errors: the job fails with the report and nothing is stored', async () => {
    const bad = 'Store,Date,Weekly_Sales\n1,05/02/2010,100\n1,not-a-date,200\n';
    const form = upload({ format: 'generic', mapping: JSON.stringify({ date: 'Date', target: 'Weekly_Sales', keys: { store: 'Store' }, dateFormat: 'DD/MM/YYYY' }) }, [{ name: 'bad.csv', content: bad }]);
    const res = await api('/api/v1/datasets', { method: 'POST', key: otherManager, body: form });
    expect(res.status).toBe(202);
    const job = await waitForJob(((await res.json()) as { job: Job }).job.id, otherManager);
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/Nothing imported/);
    const report = job.result?.report as { errors: { file: string; line: number; column: string }[] };
    expect(report.errors[0]).toMatchObject({ file: 'bad.csv', line: 3, column: 'Date' });
    expect((await api('/api/v1/datasets', { key: otherManager })).status).toBe(404);
  });

  it('imports Walmart.csv (DD/MM/YYYY, weekly) through the generic path: 45 stores, 143 weeks', async () => {
    const mapping = { date: 'Date', target: 'Weekly_Sales', keys: { store: 'Store' }, numeric: ['Holiday_Flag', 'Temperature', 'Fuel_Price', 'CPI', 'Unemployment'] };
    const form = upload({ format: 'generic', mapping: JSON.stringify(mapping) }, [{ name: 'Walmart.csv', content: fs.readFileSync(WALMART) }]);
    const res = await api('/api/v1/datasets', { method: 'POST', key: otherManager, body: form });
    expect(res.status).toBe(202);
    const job = await waitForJob(((await res.json()) as { job: Job }).job.id, otherManager);
    expect(job.status, job.error ?? '').toBe('succeeded');
    const { dataset } = (await (await api('/api/v1/datasets', { key: otherViewer })).json()) as {
      dataset: { frequency: string; rows: number; profile: { keys: Record<string, number>; periods: number; dateRange: { first: string; last: string } } };
    };
    expect(dataset.frequency).toBe('weekly');
    expect(dataset.rows).toBe(6435);
    expect(dataset.profile.keys.store).toBe(45);
    expect(dataset.profile.periods).toBe(143);
    expect(dataset.profile.dateRange).toEqual({ first: '2010-02-05', last: '2012-10-26' });

    // The same file again changes nothing.
    const again = await api('/api/v1/datasets', { method: 'POST', key: otherManager, body: upload({ format: 'generic', mapping: JSON.stringify(mapping) }, [{ name: 'Walmart.csv', content: fs.readFileSync(WALMART) }]) });
    const job2 = await waitForJob(((await again.json()) as { job: Job }).job.id, otherManager);
    expect(job2.result?.status).toBe('unchanged');
  });

  it('a correction of a stored week: refused in append mode with its line, applied with mode=replace, an unknown mode is a 400', async () => {
    // Walmart.csv is stored (the test above); its first row, store 1 on 05/02/2010, with other sales.
    const header = 'Store,Date,Weekly_Sales,Holiday_Flag,Temperature,Fuel_Price,CPI,Unemployment';
    const fix = `${header}\n1,05/02/2010,1700000,0,42.31,2.572,211.0963582,8.106\n`;
    const mapping = JSON.stringify({ date: 'Date', target: 'Weekly_Sales', keys: { store: 'Store' }, numeric: ['Holiday_Flag', 'Temperature', 'Fuel_Price', 'CPI', 'Unemployment'], dateFormat: 'DD/MM/YYYY', frequency: 'weekly' });
    const send = async (parts: Record<string, string>) => {
      const res = await api('/api/v1/datasets', { method: 'POST', key: otherManager, body: upload({ format: 'generic', mapping, ...parts }, [{ name: 'fix.csv', content: fix }]) });
      expect(res.status).toBe(202);
      return waitForJob(((await res.json()) as { job: Job }).job.id, otherManager);
    };
    const refused = await send({});
    expect(refused.status).toBe('failed');
    expect(refused.error).toMatch(/^Nothing imported: 1 row falls on days already stored and differs from them \(first: fix\.csv line 2, date 2010-02-05, store 1: Weekly_Sales 1643690\.9 is stored, the file has 1700000\)\. Import again with replace mode/);
    const replaced = await send({ mode: 'replace' });
    expect(replaced.status, replaced.error ?? '').toBe('succeeded');
    expect(replaced.result).toMatchObject({ status: 'imported', mode: 'replace', changedRows: 1, appendedRows: 0 });
    const { dataset } = (await (await api('/api/v1/datasets', { key: otherViewer })).json()) as { dataset: { rows: number; imports: { mode: string; changedRows: number }[] } };
    expect(dataset.rows).toBe(6435);
    expect(dataset.imports.at(-1)).toMatchObject({ mode: 'replace', changedRows: 1 });
    const bad = await api('/api/v1/datasets', { method: 'POST', key: otherManager, body: upload({ format: 'generic', mapping, mode: 'overwrite' }, [{ name: 'fix.csv', content: fix }]) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/mode must be "append" or "replace"/);
  });

  it('viewers cannot import, and jobs of another tenant are not found', async () => {
    const form = upload({ format: 'retail' }, [{ name: 'sales.csv', content: 'x' }]);
    expect((await api('/api/v1/datasets', { method: 'POST', key: otherViewer, body: form })).status).toBe(403);
    const jobs = (await (await api('/api/v1/jobs', { key: otherManager })).json()) as { jobs: Job[] };
    expect(jobs.jobs.length).toBeGreaterThan(0);
    const res = await api(`/api/v1/jobs/${jobs.jobs[0].id}`, { key: demoAdmin });
    expect(res.status).toBe(404);
  });

  it('a bad upload form gets 400 with what is wrong', async () => {
    const res = await api('/api/v1/datasets', { method: 'POST', key: otherManager, body: upload({ format: 'generic', mapping: '{"date": 1}' }, [{ name: 'a.csv', content: 'a,b\n1,2\n' }]) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/mapping/);
  });
});
