import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { openApiDocument } from '@/lib/api/openapi';
import { API_ROUTES } from '@/lib/api/routes';
import { routeErrors } from '@/lib/api/definition';
import type { ApiRequest, ApiRoute } from '@/lib/api/handler';
import { httpStatus } from '@/lib/errors';
import { can, ROLES, type Role } from '@/lib/auth/permissions';

const V1 = path.resolve(__dirname, '../../../app/api/v1');

/** Every route.ts under app/api/v1, as `{ file, path }` with `[id]` written `{id}`. */
function routeFiles(dir: string, prefix = ''): { file: string; path: string }[] {
  const out: { file: string; path: string }[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...routeFiles(path.join(dir, e.name), `${prefix}/${e.name}`));
    else if (e.name === 'route.ts') out.push({ file: path.join(dir, e.name), path: (prefix || '/').replace(/\[(\w+)\]/g, '{$1}') });
  }
  return out;
}
const mounted = routeFiles(V1).filter((f) => f.path !== '/[...path]' && f.path !== '/openapi.json');

type Doc = {
  openapi: string;
  components: { schemas: Record<string, unknown> };
  paths: Record<string, Record<string, { operationId: string; description: string; parameters: { name: string; in: string }[]; responses: Record<string, { content?: Record<string, { schema: Record<string, unknown>; example?: unknown }> }> }>>;
};
const doc = openApiDocument() as unknown as Doc;
const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

describe('Route registry and app/api/v1', () => {
  it('lists every /api/v1 route file, and nothing that does not exist', () => {
    const files = mounted.map((f) => f.path).sort();
    const documented = [...new Set(API_ROUTES.map((r) => r.definition.path))].sort();
    expect(documented).toEqual(files);
  });

  it('mounts each registry route, and only them, in the file of its path under its method', async () => {
    const seen = new Set<ApiRoute>();
    for (const f of mounted) {
      const mod = (await import(f.file)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) {
        if (name === 'dynamic') {
          expect(value, f.file).toBe('force-dynamic');
          continue;
        }
        expect(HTTP_METHODS, `${f.file} exports ${name}`).toContain(name);
        const route = API_ROUTES.find((r) => r === value);
        expect(route, `${f.file} ${name} is a registry route`).toBeDefined();
        expect({ method: route?.definition.method, path: route?.definition.path }).toEqual({ method: name, path: f.path });
        seen.add(route as ApiRoute);
      }
    }
    expect([...seen].map((r) => r.definition.operationId).sort()).toEqual(API_ROUTES.map((r) => r.definition.operationId).sort());
  });

  it('has one route per method and path, each with its own operationId', () => {
    const keys = API_ROUTES.map((r) => `${r.definition.method} ${r.definition.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    const ids = API_ROUTES.map((r) => r.definition.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 with query parameters from the zod schemas and the API error shape', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/audit'].get.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(['action', 'outcome', 'page', 'pageSize']));
    expect(doc.paths['/apikeys/{id}'].delete.parameters[0]).toMatchObject({ name: 'id', in: 'path' });
    expect(Object.keys(doc.paths['/me'].get.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404', '429']));
  });

  it('has exactly the registry\'s operations: method, path, operationId and permission of each', () => {
    const documented = Object.entries(doc.paths).flatMap(([p, methods]) => Object.entries(methods).map(([m, op]) => ({ method: m.toUpperCase(), path: p, operationId: op.operationId, description: op.description })));
    const registered = API_ROUTES.map(({ definition: d }) => ({ method: d.method, path: d.path, operationId: d.operationId, description: `Requires the permission \`${d.permission}\`.` }));
    const order = (a: { method: string; path: string }, b: { method: string; path: string }) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`);
    expect(documented.sort(order)).toEqual(registered.sort(order));
  });

  it('documents one path parameter per {name} of the path, from the route\'s params schema', () => {
    for (const { definition: d } of API_ROUTES) {
      const names = [...d.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const op = doc.paths[d.path][d.method.toLowerCase()];
      expect(op.parameters.filter((p) => p.in === 'path').map((p) => p.name), d.operationId).toEqual(names);
      const declared = d.params && 'shape' in d.params ? Object.keys((d.params as unknown as { shape: object }).shape) : [];
      expect(declared, d.operationId).toEqual(names);
    }
  });

  it('gives every 2xx answer a real schema (no bare object anywhere in it) and an example that passes it', () => {
    const bare: string[] = [];
    const walk = (s: unknown, where: string) => {
      if (!s || typeof s !== 'object') return;
      const o = s as Record<string, unknown>;
      if (o.type === 'object' && o.properties === undefined && o.additionalProperties === undefined) bare.push(where);
      for (const [k, v] of Object.entries(o)) walk(v, `${where}.${k}`);
    };
    for (const { definition: d } of API_ROUTES) {
      const responses = doc.paths[d.path][d.method.toLowerCase()].responses;
      const ok = Object.keys(responses).filter((s) => s.startsWith('2'));
      expect(ok, d.operationId).toEqual([String(d.response.status)]);
      const [media] = Object.values(responses[ok[0]].content ?? {});
      expect(media.schema, d.operationId).not.toEqual({ type: 'object' });
      walk(media.schema, d.operationId);
      if ('schema' in d.response) {
        expect(media.schema.type).toBe('object');
        expect(Object.keys(media.schema.properties as object)).toContain('generated_at');
        // The example is what a client would get: the schema keeps it whole (nothing stripped or defaulted).
        expect(d.response.schema.parse(d.response.example), d.operationId).toEqual(d.response.example);
        expect(media.example).toEqual(d.response.example);
      } else expect(media.schema).toEqual({ type: 'string', format: 'binary' });
    }
    expect(bare).toEqual([]);
  });

  it('gives requests examples its own schemas accept', () => {
    for (const { definition: d } of API_ROUTES) {
      const ex = d.exampleRequest ?? {};
      if (d.query) expect(d.query.safeParse(ex.query ?? {}).success, d.operationId).toBe(true);
      const body = d.documentedBody ?? d.body;
      if (body) expect(body.safeParse(ex.body).success, d.operationId).toBe(true);
      if (d.params) expect(d.params.safeParse(ex.params).success, d.operationId).toBe(true);
    }
  });

  it('lists every error status a route can answer, 413 and 415 for JSON bodies, 409 where the state can refuse', () => {
    for (const { definition: d } of API_ROUTES) {
      const statuses = Object.keys(doc.paths[d.path][d.method.toLowerCase()].responses).filter((s) => !s.startsWith('2'));
      expect(statuses, d.operationId).toEqual([...new Set(routeErrors(d).map((c) => String(httpStatus[c])))].sort());
      expect(statuses).toEqual(expect.arrayContaining(['400', '401', '403', '404', '429', '500']));
      if (d.body) expect(statuses, d.operationId).toEqual(expect.arrayContaining(['413', '415']));
    }
    const conflicts = API_ROUTES.filter((r) => '409' in doc.paths[r.definition.path][r.definition.method.toLowerCase()].responses).map((r) => r.definition.operationId);
    expect(conflicts).toEqual(expect.arrayContaining(['getForecast', 'getTopProducts', 'predict', 'predictBatch', 'promoteModel', 'uploadDataset', 'cancelJob', 'acknowledgeAlert', 'revokeApiKey']));
    expect(Object.keys(doc.paths['/datasets'].post.responses)).toContain('413');
    expect(doc.components.schemas.Error).toMatchObject({ required: ['error'] });
  });
});

describe('Each route enforces the permission the registry gives it', () => {
  let home: string;
  const keys = {} as Record<Role, string>;
  beforeAll(async () => {
    home = await fsp.mkdtemp(path.join(os.tmpdir(), 'foresight-openapi-'));
    process.env.FORESIGHT_HOME = home;
    const { createTenant } = await import('@/lib/tenants');
    const { createApiKey } = await import('@/lib/apikeys');
    await createTenant({ id: 'acme', name: 'Acme', tier: 'enterprise' });
    for (const role of ROLES) keys[role] = (await createApiKey('acme', { name: role, role, createdBy: 't' })).secret;
  });
  afterAll(async () => {
    await fsp.rm(home, { recursive: true, force: true });
  });

  /** A request of an API key: no body beyond `{}`, ids that name nothing. */
  function request(route: ApiRoute, key: string): { req: ApiRequest; params: Record<string, string> } {
    const d = route.definition;
    const params = Object.fromEntries([...d.path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1], 'missing']));
    const pathname = `/api/v1${d.path.replace(/\{(\w+)\}/g, 'missing')}`;
    const headers: Record<string, string> = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    return {
      params,
      req: { method: d.method, pathname, searchParams: new URLSearchParams(), header: (n) => headers[n.toLowerCase()] ?? null, text: async () => '{}', body: () => Readable.from([]), principal: async () => null },
    };
  }

  it('answers 403 naming the permission to every role without it, and lets every role with it through', async () => {
    for (const route of API_ROUTES) {
      const d = route.definition;
      for (const role of ROLES) {
        const { req, params } = request(route, keys[role]);
        const answer = await route.serve(req, params);
        const status = 'response' in answer ? answer.response.status : answer.status;
        if (can(role, d.permission)) expect(status, `${role} ${d.operationId}`).not.toBe(403);
        else {
          expect(status, `${role} ${d.operationId}`).toBe(403);
          expect('json' in answer && answer.json).toEqual({ error: { code: 'forbidden', message: `Your role (${role}) lacks the permission "${d.permission}".`, details: {} } });
        }
      }
    }
  });
});
