import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTenant, getTenantOrThrow, setTenantQuotaOverrides } from '@/lib/tenants';
import { ingestDataset, type IngestOutcome, type IngestRequest } from '@/lib/datasets/ingest';
import { queryAudit, SYSTEM_ACTOR } from '@/lib/audit';
import { readStagedUpload, removeStagedUpload, stageUpload, type StagedRequest } from '@/lib/jobs/staging';
import { loadTable, tenantStorageBytes } from '@/lib/datasets/store';
import { encodeTable } from '@/ml/data/table-codec';
import type { UploadedFile } from '@/lib/ingest/csv';
import { genericMappingSchema } from '@/lib/schemas/ingest';
import { broken, tinyRetail, withFile } from './helpers';
import { WALMART_CSV } from '../../support/paths';

/**
 * Issue 3: every input of the broken corpus (tests/fixtures/broken, plus the cases generated here)
 * sent to a tenant that already holds a dataset, through the same staging and ingest code as an
 * upload job. Each gives a clear error (or a documented repair), and the tenant's data, models and
 * settings are byte for byte what they were before.
 */
let home: string;
const TENANT = 'holder';

beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-broken-'));
  process.env.FORESIGHT_HOME = home;
  await createTenant({ id: TENANT, name: 'Holder', tier: 'enterprise' });
  const first = await ingestDataset(await getTenantOrThrow(TENANT), { format: 'retail', files: tinyRetail() }, SYSTEM_ACTOR);
  expect(first.status).toBe('imported');
  // The snapshot sees the stored dataset (manifest and table), so a change would show.
  const files = Object.keys(await snapshot(TENANT));
  expect(files).toContain(path.join('data', TENANT, 'dataset.json'));
  expect(files.some((f) => f.startsWith(path.join('data', TENANT, 'table-')))).toBe(true);
});
afterAll(async () => {
  await fs.rm(home, { recursive: true, force: true });
});

/** Every file of the tenant (data, models, settings), as bytes; the audit log is compared apart. */
async function snapshot(tenantId: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(dir: string): Promise<void> {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.name !== 'audit.jsonl') out[path.relative(home, full)] = (await fs.readFile(full)).toString('base64');
    }
  }
  for (const area of ['data', 'models', 'tenants']) await walk(path.join(home, area, tenantId));
  return out;
}

let jobSeq = 0;
/** Stages the upload as the API does (names kept only in request.json), reads it back, ingests, removes it. */
async function ingestUpload(tenantId: string, req: IngestRequest): Promise<IngestOutcome> {
  const jobId = `j_case${++jobSeq}`;
  const files: UploadedFile[] = req.format === 'retail' ? req.files : [req.file];
  const staged: StagedRequest = req.format === 'retail' ? { format: 'retail', names: files.map((f) => f.name) } : { format: 'generic', names: files.map((f) => f.name), mapping: genericMappingSchema.parse(req.mapping), joins: [] };
  await stageUpload(tenantId, jobId, staged, files);
  try {
    return await ingestDataset(await getTenantOrThrow(tenantId), await readStagedUpload(tenantId, jobId), SYSTEM_ACTOR);
  } finally {
    await removeStagedUpload(tenantId, jobId);
  }
}

const retail = (files: UploadedFile[]): IngestRequest => ({ format: 'retail', files });
const tiny = tinyRetail();
const header = ',date,item_id,quantity,price_base,sum_total,store_id\n';

/** Each refused case: the upload, and what its first matching error must say. */
const REFUSED: { name: string; req: () => IngestRequest; file?: string; line?: number; column?: string; reason: RegExp }[] = [
  { name: 'missing column', req: () => retail(withFile(tiny, 'sales.csv', broken('sales.missing-column.csv'))), file: 'sales.csv', line: 1, column: 'sum_total', reason: /missing column/ },
  { name: 'renamed column', req: () => retail(withFile(tiny, 'sales.csv', broken('sales.renamed-column.csv'))), file: 'sales.csv', line: 1, column: 'quantity', reason: /"qty".*renamed/ },
  { name: 'bad date', req: () => retail(withFile(tiny, 'sales.csv', broken('sales.bad-date.csv'))), file: 'sales.csv', line: 3, column: 'date', reason: /not a calendar date/ },
  { name: 'non-numeric quantity', req: () => retail(withFile(tiny, 'sales.csv', broken('sales.non-numeric-quantity.csv'))), file: 'sales.csv', line: 4, column: 'quantity', reason: /not a number/ },
  { name: 'a cell starting with = in a number column', req: () => retail(withFile(tiny, 'sales.csv', broken('sales.formula-quantity.csv'))), file: 'sales.csv', line: 4, column: 'quantity', reason: /not a number/ },
  { name: 'empty file', req: () => retail(withFile(tiny, 'sales.csv', broken('sales.empty.csv'))), file: 'sales.csv', reason: /empty/ },
  { name: 'header only', req: () => retail(withFile(tiny, 'sales.csv', broken('sales.header-only.csv'))), file: 'sales.csv', reason: /header only/ },
  { name: 'duplicated header row', req: () => retail(withFile(tiny, 'sales.csv', broken('sales.duplicated-header.csv'))), file: 'sales.csv', line: 4, reason: /header row is repeated/ },
  { name: 'a 10 MB single line', req: () => retail(withFile(tiny, 'sales.csv', `${header}0,2024-01-01,${'x'.repeat(10 * 1024 * 1024)},1,1,1,1\n`)), file: 'sales.csv', line: 2, reason: /over the limit/ },
  { name: 'an unterminated quote', req: () => retail(withFile(tiny, 'sales.csv', `${header}0,2024-01-01,"a1,5,100,500,1\n1,2024-01-02,a1,1,100,100,1\n`)), file: 'sales.csv', reason: /quot|fields/ },
  { name: 'invalid UTF-8', req: () => retail(withFile(tiny, 'catalog.csv', Uint8Array.from([0x2c, 0x61, 0x0a, 0xff, 0xfe, 0x0a]))), file: 'catalog.csv', reason: /UTF-8/ },
  { name: 'a retail file named ../sales.csv', req: () => retail([...tiny.filter((f) => f.name !== 'sales.csv'), { name: '../sales.csv', bytes: (tiny.find((f) => f.name === 'sales.csv') as UploadedFile).bytes }]), reason: /file refused/ },
  { name: 'a retail file named with an absolute path', req: () => retail([...tiny.filter((f) => f.name !== 'sales.csv'), { name: '/etc/sales.csv', bytes: 'x' }]), reason: /file refused/ },
  {
    name: 'a generic file named ../../platform/tenants.csv',
    req: () => ({ format: 'generic', file: { name: '../../platform/tenants.csv', bytes: new Uint8Array(readFileSync(WALMART_CSV)) }, mapping: { date: 'Date', target: 'Weekly_Sales', keys: { store: 'Store' } } }),
    reason: /file refused/,
  },
];

/** Each documented repair: the warning it gives. The repaired content equals the stored data, so nothing changes. */
const REPAIRED: { name: string; file: string; bytes: () => Uint8Array; warning: RegExp }[] = [
  { name: 'extra column', file: 'sales.csv', bytes: () => broken('sales.extra-column.csv'), warning: /extra column/ },
  { name: 'a BOM', file: 'catalog.csv', bytes: () => broken('catalog.bom.csv'), warning: /BOM/ },
  { name: 'a cell starting with = in a text column', file: 'catalog.csv', bytes: () => broken('catalog.formula.csv'), warning: /formula/ },
];

describe('the broken corpus against a tenant holding data', () => {
  for (const c of REFUSED) {
    it(`${c.name}: refused with a clear error, the tenant's files unchanged`, async () => {
      const before = await snapshot(TENANT);
      const audited = (await queryAudit(TENANT, { action: 'data.import', page: 1, pageSize: 500 })).total;
      const outcome = await ingestUpload(TENANT, c.req());
      expect(outcome.status).toBe('invalid');
      expect(outcome.message).toMatch(/Nothing imported/);
      const match = outcome.report.errors.find(
        (e) => (c.file === undefined || e.file === c.file) && (c.line === undefined || e.line === c.line) && (c.column === undefined || e.column === c.column) && c.reason.test(e.reason),
      );
      expect(match, JSON.stringify(outcome.report.errors.slice(0, 3))).toBeDefined();
      expect(await snapshot(TENANT)).toEqual(before);
      // The refusal is in the audit log, and no file escaped the tenant's staging folder.
      const after = await queryAudit(TENANT, { action: 'data.import', page: 1, pageSize: 500 });
      expect(after.total).toBe(audited + 1);
      expect(after.records[0].outcome).toBe('failure');
      expect(await fs.readdir(path.join(home, 'data')).then((d) => d.sort())).toEqual([TENANT]);
      await expect(fs.access(path.join(home, 'platform', 'tenants.csv'))).rejects.toThrow();
    });
  }

  it("a file over the tenant's storage quota: refused before decoding, the tenant's files unchanged", async () => {
    const used = await tenantStorageBytes(TENANT);
    await setTenantQuotaOverrides(TENANT, { storageBytes: used + 400 });
    try {
      const before = await snapshot(TENANT);
      const outcome = await ingestUpload(TENANT, retail(tiny));
      expect(outcome.status).toBe('invalid');
      expect(outcome.report.errors.some((e) => /over the limit|storage quota/.test(e.reason)), JSON.stringify(outcome.report.errors)).toBe(true);
      expect(await snapshot(TENANT)).toEqual(before);
    } finally {
      await setTenantQuotaOverrides(TENANT, {});
    }
  });

  it('Windows line endings: read as line breaks without a warning; the same content again changes nothing', async () => {
    const before = await snapshot(TENANT);
    const outcome = await ingestUpload(TENANT, retail(withFile(tiny, 'sales.csv', broken('sales.crlf.csv'))));
    expect(outcome.report.errors).toEqual([]);
    expect(outcome.report.warnings.filter((w) => /CRLF|line ending/i.test(w.reason))).toEqual([]);
    expect(outcome.status).toBe('unchanged');
    expect(await snapshot(TENANT)).toEqual(before);
  });

  for (const c of REPAIRED) {
    it(`${c.name}: a documented repair with a warning; the same content again changes nothing`, async () => {
      const before = await snapshot(TENANT);
      const outcome = await ingestUpload(TENANT, retail(withFile(tiny, c.file, c.bytes())));
      expect(outcome.report.errors).toEqual([]);
      expect(outcome.report.warnings.some((w) => w.file === c.file && c.warning.test(w.reason)), JSON.stringify(outcome.report.warnings)).toBe(true);
      expect(outcome.status).toBe('unchanged');
      expect(await snapshot(TENANT)).toEqual(before);
    });
  }

  it('a quoted field with a newline is valid CSV: kept in the text, the stored days unchanged', async () => {
    const before = await snapshot(TENANT);
    const outcome = await ingestUpload(TENANT, retail(withFile(tiny, 'catalog.csv', broken('catalog.quoted-newline.csv'))));
    expect(outcome.report.errors).toEqual([]);
    expect(outcome.status).toBe('unchanged');
    expect(await snapshot(TENANT)).toEqual(before);
  });

  it('the repaired files, imported into an empty tenant, give the same stored table as the clean ones', async () => {
    const tables: Record<string, string> = {};
    const cases: [string, UploadedFile[]][] = [
      ['clean', tiny],
      ['extra column', withFile(tiny, 'sales.csv', broken('sales.extra-column.csv'))],
      ['CRLF', withFile(tiny, 'sales.csv', broken('sales.crlf.csv'))],
      ['BOM', withFile(tiny, 'catalog.csv', broken('catalog.bom.csv'))],
    ];
    for (const [i, [name, files]] of cases.entries()) {
      const id = `fresh-${i}`;
      await createTenant({ id, name, tier: 'enterprise' });
      expect((await ingestUpload(id, retail(files))).status, name).toBe('imported');
      const stored = await loadTable(id);
      if (!stored) throw new Error(`${name}: no table stored`);
      tables[name] = Buffer.from(encodeTable(stored.table)).toString('base64');
    }
    for (const name of Object.keys(tables)) expect(tables[name], name).toBe(tables.clean);
  });
});
