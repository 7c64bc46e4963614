import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { API_ENDPOINTS, openApiDocument } from '@/lib/api/catalog';

function routeFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...routeFiles(path.join(dir, e.name), `${prefix}/${e.name}`));
    else if (e.name === 'route.ts') out.push(prefix || '/');
  }
  return out;
}

describe('OpenAPI document', () => {
  it('lists every /api/v1 route file, and nothing that does not exist', () => {
    const files = routeFiles(path.resolve(__dirname, '../../../app/api/v1'))
      .filter((p) => p !== '/[...path]' && p !== '/openapi.json')
      .map((p) => p.replace(/\[(\w+)\]/g, '{$1}'))
      .sort();
    const documented = [...new Set(API_ENDPOINTS.map((e) => e.path))].sort();
    expect(documented).toEqual(files);
  });

  it('is OpenAPI 3.1 with query parameters from the zod schemas and the SPEC 7 error shape', () => {
    const doc = openApiDocument() as { openapi: string; paths: Record<string, Record<string, { parameters: { name: string }[]; responses: Record<string, unknown> }>> };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/audit'].get.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(['action', 'outcome', 'page', 'pageSize']));
    expect(doc.paths['/apikeys/{id}'].delete.parameters[0]).toMatchObject({ name: 'id', in: 'path' });
    expect(Object.keys(doc.paths['/me'].get.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404', '429']));
  });
});
