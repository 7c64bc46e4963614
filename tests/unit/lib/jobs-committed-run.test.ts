import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTenant } from '@/lib/tenants';
import { createJob } from '@/lib/jobs/store';
import { runJob } from '@/lib/jobs/run';
import { auditQuerySchema, queryAudit } from '@/lib/audit';

// An import that saves its dataset, then fails in its last step: the staged upload and the import
// itself are stand-ins; runJob, the job store and the audit are real.
vi.mock('@/lib/jobs/staging', () => ({ readStagedUpload: async () => ({ format: 'retail', files: [] }), removeStagedUpload: async () => undefined }));
vi.mock('@/lib/datasets/ingest', () => ({
  ingestDataset: async (_t: unknown, _r: unknown, _a: unknown, _p: unknown, _s: unknown, hooks: { onSaved?: (m: string) => Promise<void> }) => {
    await hooks.onSaved?.('Appended 120 rows of newer days; their drift and decay checks did not finish.');
    throw new Error('disk full while writing the drift report');
  },
}));

const actor = { type: 'user' as const, id: 'u_1', label: 'analyst@shop.test' };
let home: string;

beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-committed-run-'));
  process.env.FORESIGHT_HOME = home;
  await createTenant({ id: 'shop', name: 'Shop', tier: 'enterprise' });
});

afterAll(() => fs.rm(home, { recursive: true, force: true }));

describe('runJob after the work was saved', () => {
  it('a failure after the save ends as succeeded, says what failed, and is audited as a failure', async () => {
    const job = await createJob('shop', 'ingest', {}, actor);
    const done = await runJob('shop', job.id);
    expect(done.status).toBe('succeeded');
    expect(done.error).toBeNull();
    expect(done.result?.message).toBe('Appended 120 rows of newer days; their drift and decay checks did not finish. The last checks failed (disk full while writing the drift report); what was saved stands.');
    const audit = (await queryAudit('shop', auditQuerySchema.parse({ pageSize: 50 }))).records.find((r) => r.action === 'jobs.ingest' && r.target === job.id);
    expect(audit).toMatchObject({ outcome: 'failure', details: { reason: 'disk full while writing the drift report' } });
  });
});
