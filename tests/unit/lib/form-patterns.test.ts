import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { TENANT_ID_PATTERN, tenantIdSchema } from '@/lib/schemas/tenant';

/** Every .tsx file under a folder. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const full = path.join(dir, n);
    return statSync(full).isDirectory() ? sources(full) : full.endsWith('.tsx') ? [full] : [];
  });
}

describe('form patterns', () => {
  it('every pattern= of the app compiles the way browsers compile it (the v flag), and the tenant id pattern is the server rule', () => {
    const root = path.resolve(__dirname, '../../..');
    const patterns: string[] = [];
    for (const file of [...sources(path.join(root, 'app')), ...sources(path.join(root, 'components'))]) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/pattern="([^"]*)"/g)) patterns.push(m[1]);
      for (const m of text.matchAll(/pattern=\{([A-Z_]+)\}/g)) expect(m[1], file).toBe('TENANT_ID_PATTERN');
    }
    patterns.push(TENANT_ID_PATTERN);
    for (const p of patterns) expect(() => new RegExp(`^(?:${p})$`, 'v'), p).not.toThrow();
    const browser = new RegExp(`^(?:${TENANT_ID_PATTERN})$`, 'v');
    for (const id of ['acme', 'a', 'fresh-co', 'a-', '-a', 'Bad_Id', 'x'.repeat(41)]) expect(browser.test(id), id).toBe(tenantIdSchema.safeParse(id).success);
  });
});
