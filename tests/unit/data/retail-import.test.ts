import { describe, expect, it } from 'vitest';
import { importRetail } from '@/lib/ingest/retail';
import { escapeCsvCell } from '@/lib/csv';
import type { IngestIssue } from '@/lib/schemas/ingest';
import { broken, tinyRetail, withFile } from './helpers';

type Want = Partial<Omit<IngestIssue, 'reason'>> & { reason?: string | RegExp };

const has = (issues: IngestIssue[], want: Want): boolean =>
  issues.some(
    (i) =>
      (want.file === undefined || i.file === want.file) &&
      (want.line === undefined || i.line === want.line) &&
      (want.column === undefined || i.column === want.column) &&
      (want.reason === undefined || (typeof want.reason === 'string' ? i.reason.includes(want.reason) : want.reason.test(i.reason))),
  );

function expectRefused(files: ReturnType<typeof tinyRetail>, want: Want, limits = {}) {
  const r = importRetail(files, limits);
  expect(r.table).toBeNull();
  expect(r.report.ok).toBe(false);
  expect(r.report.errorCount).toBeGreaterThan(0);
  expect(has(r.report.errors, want), JSON.stringify(r.report.errors)).toBe(true);
  return r;
}

describe('importRetail: the hand-written set', () => {
  it('imports with only the index-column warnings', () => {
    const r = importRetail(tinyRetail());
    expect(r.report.errors).toEqual([]);
    expect(r.table).not.toBeNull();
    expect(r.report.warnings.every((w) => w.reason.includes('index column'))).toBe(true);
    expect(r.dateRange).toEqual({ first: '2024-01-01', last: '2024-01-10' });
    expect(r.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('fingerprints the files independently of their order and changes with one byte', () => {
    const files = tinyRetail();
    const a = importRetail(files).fingerprint;
    expect(importRetail([...files].reverse()).fingerprint).toBe(a);
    const sales = files.find((f) => f.name === 'sales.csv')?.bytes as Uint8Array;
    const changed = Uint8Array.from(sales);
    changed[changed.length - 2] = 51; // last store id 2 -> 3
    expect(importRetail(withFile(files, 'sales.csv', changed)).fingerprint).not.toBe(a);
  });
});

describe('importRetail: the broken corpus (tests/fixtures/broken)', () => {
  const tiny = tinyRetail();

  it('missing column: error naming the column', () => {
    expectRefused(withFile(tiny, 'sales.csv', broken('sales.missing-column.csv')), { file: 'sales.csv', line: 1, column: 'sum_total', reason: 'missing column' });
  });

  it('renamed column: error naming the expected column and the unexpected one', () => {
    expectRefused(withFile(tiny, 'sales.csv', broken('sales.renamed-column.csv')), { file: 'sales.csv', line: 1, column: 'quantity', reason: /missing column "quantity".*"qty".*renamed/ });
  });

  it('extra column: documented repair, a warning and the column ignored', () => {
    const r = importRetail(withFile(tiny, 'sales.csv', broken('sales.extra-column.csv')));
    expect(r.report.errors).toEqual([]);
    expect(has(r.report.warnings, { file: 'sales.csv', column: 'comment', reason: 'extra column' })).toBe(true);
    expect(r.table?.rows).toBe(importRetail(tiny).table?.rows);
  });

  it('bad date: error with line and column', () => {
    expectRefused(withFile(tiny, 'sales.csv', broken('sales.bad-date.csv')), { file: 'sales.csv', line: 3, column: 'date', reason: 'not a calendar date' });
  });

  it('non-numeric quantity: error with line and column', () => {
    expectRefused(withFile(tiny, 'sales.csv', broken('sales.non-numeric-quantity.csv')), { file: 'sales.csv', line: 4, column: 'quantity', reason: 'not a number' });
  });

  it('a formula in a numeric cell is not a number', () => {
    expectRefused(withFile(tiny, 'sales.csv', broken('sales.formula-quantity.csv')), { file: 'sales.csv', line: 4, column: 'quantity', reason: 'not a number' });
  });

  it('a formula in a text cell is kept as plain text, with a warning', () => {
    const r = importRetail(withFile(tiny, 'catalog.csv', broken('catalog.formula.csv')));
    expect(r.report.errors).toEqual([]);
    expect(has(r.report.warnings, { file: 'catalog.csv', line: 3, column: 'subclass_name', reason: 'formula' })).toBe(true);
    expect(r.table?.categorical.subclass_name.vocab).toContain('=HYPERLINK("http://evil.example","click")');
  });

  it('empty file', () => {
    expectRefused(withFile(tiny, 'sales.csv', broken('sales.empty.csv')), { file: 'sales.csv', reason: 'empty' });
    expectRefused(withFile(tiny, 'sales.csv', '\n\n  \n'), { file: 'sales.csv', reason: 'empty' });
  });

  it('header only', () => {
    expectRefused(withFile(tiny, 'sales.csv', broken('sales.header-only.csv')), { file: 'sales.csv', reason: 'header only' });
  });

  it('header only is allowed (a warning) for a file that may have no rows, e.g. markdowns', () => {
    const r = importRetail(withFile(tiny, 'markdowns.csv', ',date,item_id,normal_price,price,quantity,store_id\n'));
    expect(r.report.errors).toEqual([]);
    expect(has(r.report.warnings, { file: 'markdowns.csv', reason: 'header only' })).toBe(true);
  });

  it('duplicated header row: error at its line', () => {
    expectRefused(withFile(tiny, 'sales.csv', broken('sales.duplicated-header.csv')), { file: 'sales.csv', line: 4, reason: 'header row is repeated' });
  });

  it('quoted field with a newline: parsed, and later line numbers still count physical lines', () => {
    const text = new TextDecoder().decode(broken('catalog.quoted-newline.csv'));
    const ok = importRetail(withFile(tiny, 'catalog.csv', text));
    expect(ok.report.errors).toEqual([]);
    expect(ok.table?.categorical.subclass_name.vocab).toContain('Молоко\nпастеризованное, 1 л');
    const bad = text.replace('0.9,0.9,', 'heavy,0.9,');
    expectRefused(withFile(tiny, 'catalog.csv', bad), { file: 'catalog.csv', line: 4, column: 'weight_volume', reason: 'not a number' });
  });

  it('an unterminated quote is an error, not a silently swallowed file', () => {
    const text = new TextDecoder().decode(broken('sales.crlf.csv')).replace('2,2024-01-02,a1,3,', '2,2024-01-02,"a1,3,');
    const r = importRetail(withFile(tiny, 'sales.csv', text));
    expect(r.table).toBeNull();
    expect(r.report.errors.some((e) => e.file === 'sales.csv' && (e.reason.includes('quoting') || e.reason.includes('fields')))).toBe(true);
  });

  it('Windows line endings: same table, and no warning (they are line breaks like any other)', () => {
    const r = importRetail(withFile(tiny, 'sales.csv', broken('sales.crlf.csv')));
    expect(r.report.errors).toEqual([]);
    expect(has(r.report.warnings, { file: 'sales.csv', reason: 'CRLF' })).toBe(false);
    expect(r.report.warnings.filter((w) => /line ending/i.test(w.reason))).toEqual([]);
    expect(Array.from(r.table?.target ?? [])).toEqual(Array.from(importRetail(tiny).table?.target ?? []));
    const bad = new TextDecoder().decode(broken('sales.crlf.csv')).replace('2024-01-05', '05.01.2024');
    expectRefused(withFile(tiny, 'sales.csv', bad), { file: 'sales.csv', line: 5, column: 'date' });
  });

  it('a BOM: removed with a warning, the first column still recognised', () => {
    const r = importRetail(withFile(tiny, 'catalog.csv', broken('catalog.bom.csv')));
    expect(r.report.errors).toEqual([]);
    expect(has(r.report.warnings, { file: 'catalog.csv', reason: 'BOM' })).toBe(true);
    expect(r.table?.categorical.dept_name.vocab.length).toBe(2);
  });

  it('a 10 MB single line: refused before parsing', () => {
    const line = `0,2024-01-01,${'x'.repeat(10 * 1024 * 1024)},1,1,1,1\n`;
    expectRefused(withFile(tiny, 'sales.csv', `,date,item_id,quantity,price_base,sum_total,store_id\n${line}`), { file: 'sales.csv', line: 2, reason: 'over the limit' });
  });

  it('a file over the quota', () => {
    expectRefused(tiny, { file: 'sales.csv', reason: 'over the limit of 100 bytes' }, { maxFileBytes: 100 });
    expectRefused(tiny, { file: '(upload)', reason: 'storage quota' }, { maxTotalBytes: 500 });
  });

  it('file names with a path, .. or an absolute path are refused', () => {
    for (const name of ['../sales.csv', '/etc/passwd.csv', 'C:\\x\\sales.csv', 'a/../../sales.csv', '..csv']) {
      expectRefused([...tiny.filter((f) => f.name !== 'sales.csv'), { name, bytes: 'x' }], { reason: 'file refused' });
    }
    expectRefused([...tiny, { name: 'extra.csv', bytes: ',a\n1,2\n' }], { file: 'extra.csv', reason: 'unexpected file' });
    expectRefused(tiny.filter((f) => f.name !== 'online.csv'), { file: 'online.csv', reason: 'missing' });
  });

  it('invalid UTF-8 is an error, not silently replaced', () => {
    expectRefused(withFile(tiny, 'catalog.csv', Uint8Array.from([0x2c, 0x61, 0x0a, 0xff, 0xfe, 0x0a])), { file: 'catalog.csv', reason: 'UTF-8' });
  });

  it('reports the first 100 errors and the total count', () => {
    const rows = Array.from({ length: 250 }, (_, i) => `${i},2024-01-01,a1,bad,1,1,1`).join('\n');
    const r = expectRefused(withFile(tiny, 'sales.csv', `,date,item_id,quantity,price_base,sum_total,store_id\n${rows}\n`), { line: 2, column: 'quantity' });
    expect(r.report.errors.length).toBe(100);
    expect(r.report.errorCount).toBe(250);
  });
});

describe('escapeCsvCell (exports)', () => {
  it('neutralises formula-like cells and quotes when needed', () => {
    expect(escapeCsvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(escapeCsvCell('+1+cmd')).toBe("'+1+cmd");
    expect(escapeCsvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(escapeCsvCell('-2.5')).toBe('-2.5');
    expect(escapeCsvCell('Молоко, 1 л')).toBe('"Молоко, 1 л"');
    expect(escapeCsvCell('plain')).toBe('plain');
  });
});
