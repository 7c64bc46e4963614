import { beforeAll, afterAll, describe, expect, it, inject } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { api, baseURL, makeKey, sessionCookie } from '../support/http';
import { ensureProductionModel } from '../support/demo-model';
import { API_ROUTES } from '@/lib/api/routes';
import { jsonSchemaOf } from '@/lib/api/openapi';
import { errorBodySchema } from '@/lib/api/definition';
import { can } from '@/lib/auth/permissions';

/**
 * A client generated from the running server's /api/v1/openapi.json by openapi-typescript, type
 * checked with tsc (strict) beside a small client module that calls GET /forecast, POST /predict
 * and GET /models through openapi-fetch; the test then runs that module and checks every answer
 * against the document's own schemas.
 */
const ROOT = path.resolve(__dirname, '../..');
// Under the repository (git-ignored var/), so the client module finds openapi-fetch in node_modules.
const DIR = path.join(ROOT, 'var', `openapi-client-${process.pid}`);
const BIN = path.join(ROOT, 'node_modules', '.bin');

const CLIENT = `import createClient from 'openapi-fetch';
import type { paths } from './schema';

type Forecast = paths['/forecast']['get']['responses'][200]['content']['application/json'];

/** The document's interval is a pair of numbers, and the generated type says so. */
export const band: Forecast['points'][number]['p80'] = [371.2, 455.9];

export function clientOf(baseUrl: string, key: string) {
  return createClient<paths>({ baseUrl: baseUrl + '/api/v1', headers: { Authorization: 'Bearer ' + key } });
}
type Client = ReturnType<typeof clientOf>;

export async function forecast(client: Client, store: string, horizon: number) {
  const { data, error, response } = await client.GET('/forecast', { params: { query: { store, horizon } } });
  // The answer's types are the document's: numbers in the bands, a version id that is a string.
  const low: number | undefined = data?.points[0]?.p80[0];
  const version: string | undefined = data?.model_version;
  const code: string | undefined = error?.error.code;
  void [low, version, code];
  return { status: response.status, data, error };
}

export async function predict(client: Client, row: { store: string; item: string; date: string }) {
  const { data, error, response } = await client.POST('/predict', { body: row });
  const low: number | undefined = data?.prediction.p95[0];
  void low;
  return { status: response.status, data, error };
}

export async function badPredict(client: Client) {
  const { error, response } = await client.POST('/predict', { body: { store: '1', date: 'soon' } });
  return { status: response.status, error };
}

export async function models(client: Client) {
  const { data, error, response } = await client.GET('/models');
  const stage: 'none' | 'staging' | 'production' | 'archived' | undefined = data?.models[0]?.stage;
  void stage;
  return { status: response.status, data, error };
}

/** Never called: what the generated types must refuse (tsc fails if any of these compiles). */
export async function refusedByTheTypes(client: Client): Promise<void> {
  // @ts-expect-error an interval is two numbers, not three
  const wide: Forecast['points'][number]['p80'] = [1, 2, 3]; // refused
  // @ts-expect-error POST /predict needs a date
  await client.POST('/predict', { body: { store: '1', item: 'x' } }); // refused
  // @ts-expect-error /forecast has no such query parameter
  await client.GET('/forecast', { params: { query: { hoizon: 7 } } }); // refused
  // @ts-expect-error there is no PUT /models
  await client.PUT('/models', {}); // refused
  const { data } = await client.GET('/models');
  // @ts-expect-error model_version is a string or null, not a number
  const n: number | undefined = data?.model_version; // refused
  void [wide, n];
}
`;

const TSCONFIG = {
  compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'esnext', moduleResolution: 'bundler', lib: ['ES2023', 'DOM'], types: [], skipLibCheck: true, noUnusedLocals: true },
  files: ['schema.d.ts', 'client.ts'],
};

type ClientModule = {
  clientOf: (baseUrl: string, key: string) => unknown;
  forecast: (c: unknown, store: string, horizon: number) => Promise<{ status: number; data?: unknown; error?: unknown }>;
  predict: (c: unknown, row: { store: string; item: string; date: string }) => Promise<{ status: number; data?: unknown; error?: unknown }>;
  badPredict: (c: unknown) => Promise<{ status: number; error?: unknown }>;
  models: (c: unknown) => Promise<{ status: number; data?: unknown; error?: unknown }>;
};

type Doc = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>; components: { schemas: { Error: unknown } } };

let doc: Doc;
let client: ClientModule;
let key: string;
let series: { store: string; item: string; date: string };

const execFileAsync = promisify(execFile);

/**
 * Runs a tool of node_modules/.bin in the client's folder. Asynchronously: a blocked event loop
 * would keep fetch from retiring keep-alive connections the server has closed meanwhile.
 */
async function run(cmd: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  try {
    const r = await execFileAsync(path.join(BIN, cmd), args, { cwd: DIR, encoding: 'utf8' });
    return { ok: true, output: r.stdout + r.stderr };
  } catch (e) {
    const r = e as { stdout?: string; stderr?: string };
    return { ok: false, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
  }
}

async function mustRun(cmd: string, args: string[]): Promise<void> {
  const r = await run(cmd, args);
  if (!r.ok) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.output}`);
}

/** The route of an operation, by the operationId the generated client is named from. */
const routeOf = (operationId: string) => {
  const r = API_ROUTES.find((x) => x.definition.operationId === operationId);
  if (!r || !('schema' in r.definition.response)) throw new Error(`no JSON route ${operationId}`);
  return { definition: r.definition, schema: r.definition.response.schema };
};

/**
 * The answer passes the operation's schema in the served document: that schema is the JSON Schema
 * of the registry's zod schema, and the zod schema keeps the answer whole (nothing unknown
 * stripped, nothing missing defaulted).
 */
function expectValid(operationId: string, status: number, body: unknown): void {
  const { definition, schema } = routeOf(operationId);
  const served = doc.paths[definition.path][definition.method.toLowerCase()].responses[String(status)].content?.['application/json'].schema;
  expect(served).toEqual(jsonSchemaOf(schema, 'output'));
  const parsed = schema.safeParse(body);
  expect(parsed.success ? null : parsed.error.issues, operationId).toBeNull();
  expect(parsed.data).toEqual(body);
}

beforeAll(async () => {
  await ensureProductionModel('demo');
  key = await makeKey('demo', 'viewer');
  process.env.FORESIGHT_HOME = inject('home');
  const { loadTable } = await import('@/lib/datasets/store');
  const { dateRange, seriesLabel } = await import('@/ml/data/table');
  const { formatDay } = await import('@/ml/data/dates');
  const loaded = await loadTable('demo');
  if (!loaded) throw new Error('the demo has no table');
  const t = loaded.table;
  const last = dateRange(t).last;
  const s = Array.from({ length: t.seriesStart.length - 1 }, (_, i) => i).find((i) => t.day[t.seriesStart[i + 1] - 1] === last && t.day[t.seriesStart[i]] < last - 60);
  if (s === undefined) throw new Error('no long series at the origin');
  const keys = Object.fromEntries(seriesLabel(t, s).split('|').map((kv) => kv.split('='))) as { store: string; item: string };
  series = { store: keys.store, item: keys.item, date: formatDay(last + t.step) };

  fs.mkdirSync(DIR, { recursive: true });
  const res = await fetch(`${baseURL()}/api/v1/openapi.json`);
  expect(res.status).toBe(200);
  doc = (await res.json()) as Doc;
  // Generated from the served document itself, as a client's build would.
  await mustRun('openapi-typescript', [`${baseURL()}/api/v1/openapi.json`, '-o', 'schema.d.ts']);
  fs.writeFileSync(path.join(DIR, 'client.ts'), CLIENT);
  fs.writeFileSync(path.join(DIR, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
  client = (await import(path.join(DIR, 'client.ts'))) as ClientModule;
}, 300_000);

afterAll(() => {
  fs.rmSync(DIR, { recursive: true, force: true });
});

describe('A client generated from /api/v1/openapi.json', () => {
  it('type-checks with its calls, and its types refuse what the API refuses', async () => {
    await mustRun('tsc', ['-p', 'tsconfig.json']);
    // The refusals above are real: without the expect-error comments the same file fails.
    const loose = CLIENT.replaceAll(/^[ \t]*\/\/ @ts-expect-error.*$/gm, '');
    fs.writeFileSync(path.join(DIR, 'client.ts'), loose);
    try {
      const r = await run('tsc', ['-p', 'tsconfig.json']);
      expect(r.ok).toBe(false);
      // One error at each of the five lines marked refused, and none elsewhere.
      const refused = loose.split('\n').flatMap((line, i) => (line.endsWith('// refused') ? [i + 1] : []));
      const errorLines = [...new Set([...r.output.matchAll(/client\.ts\((\d+),\d+\): error/g)].map((m) => Number(m[1])))];
      expect(refused).toHaveLength(5);
      expect(errorLines).toEqual(refused);
    } finally {
      fs.writeFileSync(path.join(DIR, 'client.ts'), CLIENT);
    }
  });

  it('gets a forecast that validates against the document', async () => {
    const c = client.clientOf(baseURL(), key);
    const res = await client.forecast(c, series.store, 7);
    expect(res.error).toBeUndefined();
    expect(res.status).toBe(200);
    expectValid('getForecast', 200, res.data);
    expect((res.data as { points: unknown[] }).points).toHaveLength(7);
  });

  it('gets a prediction that validates against the document, and a refusal in the documented error shape', async () => {
    const c = client.clientOf(baseURL(), key);
    const res = await client.predict(c, series);
    expect(res.error).toBeUndefined();
    expect(res.status).toBe(200);
    expectValid('predict', 200, res.data);
    expect((res.data as { prediction: { date: string } }).prediction.date).toBe(series.date);
    const bad = await client.badPredict(c);
    expect(bad.status).toBe(400);
    expect(doc.components.schemas.Error).toEqual(jsonSchemaOf(errorBodySchema, 'output'));
    expect(errorBodySchema.parse(bad.error)).toEqual(bad.error);
  });

  it('gets the model registry that validates against the document', async () => {
    const c = client.clientOf(baseURL(), key);
    const res = await client.models(c);
    expect(res.error).toBeUndefined();
    expect(res.status).toBe(200);
    expectValid('listModels', 200, res.data);
    const body = res.data as { models: { id: string; stage: string }[]; model_version: string | null };
    expect(body.models.find((m) => m.stage === 'production')?.id).toBe(body.model_version);
  });
});

describe('The API page', () => {
  it('lists every registry route with its method, path and permission, marking those the role holds', async () => {
    const html = await (await api('/api-docs', { cookie: await sessionCookie('viewer@demo.test') })).text();
    const start = html.indexOf('data-testid="api-endpoints"');
    const table = html.slice(start, html.indexOf('</table>', start));
    const rows = table.split('<tr').slice(2);
    expect(rows).toHaveLength(API_ROUTES.length);
    API_ROUTES.forEach(({ definition: d }, i) => {
      const text = rows[i].replace(/<[^>]+>/g, '').replace(/&quot;/g, '"').replace(/\s+/g, ' ');
      expect(text).toContain(`${d.method} /api/v1${d.path}`);
      expect(text).toContain(d.permission);
      expect(rows[i].includes('badge ok'), d.operationId).toBe(can('viewer', d.permission));
    });
  });
});
