import { randomBytes } from 'node:crypto';
import { SYSTEM_ACTOR, recordAudit } from './audit';
import { createTenant, findTenant, listTenants, setTenantRegional } from './tenants';
import { createPlatformAdmin, createUser, listPlatformAdmins, listUsers } from './users';
import type { Role } from './auth/permissions';
import { passwordProblem } from './auth/password-policy';
import { AppError } from './errors';
import { DEFAULT_DEMO_OPTIONS, generateRetailDemo, RETAIL_FILES, type RetailDemoOptions } from '@/ml/data/generator';
import { formatDay, parseIsoDay } from '@/ml/data/dates';
import { ingestDataset, type IngestOutcome } from './datasets/ingest';
import { readManifest } from './datasets/store';
import { storage, tenantPath } from './storage';
import { getTenantOrThrow } from './tenants';
import { listVersions, type ModelVersion } from './registry/store';
import { trainAndRegister } from './training/register';
import type { Algorithm, TrainOptions, ProgressFn } from './training';

export const DEMO_TENANT_ID = 'demo';
export const DEMO_USERS: readonly { email: string; name: string; role: Role }[] = [
  { email: 'admin@demo.test', name: 'Ada Admin', role: 'admin' },
  { email: 'manager@demo.test', name: 'Max Manager', role: 'manager' },
  { email: 'analyst@demo.test', name: 'Ana Analyst', role: 'analyst' },
  { email: 'viewer@demo.test', name: 'Vic Viewer', role: 'viewer' },
];
export const PLATFORM_ADMIN_EMAIL = 'platform@foresight.test';
/** The demo's currency, number and date locale and time zone. */
export const DEMO_REGIONAL = Object.freeze({ currency: 'RUB', locale: 'en-US', timeZone: 'Europe/Moscow' });

export interface SeedResult {
  created: boolean;
  /** The demo dataset's import, when this call generated it. */
  data?: IngestOutcome;
  /** The demo's first model version, when this call trained it. */
  model?: ModelVersion;
  /** Set only when this call generated the password (it is printed once and never stored in clear). */
  generatedPassword?: string;
  accounts: string[];
}

/** True when the store has no tenant yet (a fresh install). */
export async function storeIsEmpty(): Promise<boolean> {
  return (await listTenants()).length === 0;
}

/**
 * Days of the demo that arrive as a second import once its first model is trained: a fresh demo
 * then shows monitoring at work (the production model's live error on days it never saw against
 * its hold-out, and the drift of those days), as a retailer's would after its next upload. They
 * come after the generator's default 760 days, so the first model is the one trained on exactly
 * those. Fewer than the 30-day hold-out, so no retraining could learn from them.
 */
export const DEMO_RECENT_DAYS = 28;

/** The demo's whole data: the generator's default length plus the recent days, unless the caller chose a length. */
export function demoDataOptions(options: Partial<RetailDemoOptions>, recentDays: number): Partial<RetailDemoOptions> {
  return options.days === undefined && options.endDate === undefined ? { ...options, days: DEFAULT_DEMO_OPTIONS.days + recentDays } : options;
}

/** The generator's options for the demo's data, `holdBack` days short of its end. */
function demoOptions(options: Partial<RetailDemoOptions>, holdBack: number): Partial<RetailDemoOptions> {
  if (holdBack === 0) return options;
  const o = { ...DEFAULT_DEMO_OPTIONS, ...options };
  const end = o.endDate !== undefined ? parseIsoDay(o.endDate) : parseIsoDay(o.startDate) + o.days - 1;
  return { ...options, endDate: formatDay(end - holdBack) };
}

/**
 * Generates the demo retailer's 8 CSV files (seeded, deterministic) and imports them through the
 * same path as an upload, without their last `holdBack` days (see DEMO_RECENT_DAYS and
 * seedDemoRecentDays); the generator's ground truth is kept beside the dataset for tests and
 * explanations. Does nothing when the demo already has a dataset.
 */
export async function seedDemoData(options: Partial<RetailDemoOptions> = {}, progress?: (done: number, total: number, message: string) => void, holdBack = 0): Promise<IngestOutcome | undefined> {
  if (await readManifest(DEMO_TENANT_ID)) return undefined;
  const tenant = await getTenantOrThrow(DEMO_TENANT_ID);
  const demo = generateRetailDemo(demoOptions(options, holdBack));
  const files = RETAIL_FILES.map((name) => ({ name, bytes: demo.files[name] }));
  const outcome = await ingestDataset(tenant, { format: 'retail', files }, SYSTEM_ACTOR, progress);
  if (outcome.status === 'invalid') throw new Error(`The generated demo data did not validate: ${outcome.report.errors[0]?.reason ?? 'unknown'}`);
  await storage().writeJson(tenantPath(DEMO_TENANT_ID, 'data', 'ground_truth.json'), demo.groundTruth);
  return outcome;
}

/**
 * Imports the demo's whole data over its held-back first import: the newer days are appended and
 * monitored like any upload's (drift and the production model's live error), except that the seed
 * starts no retraining (the model is seconds old; a cycle would find too few new days and skip).
 * Only over the seed's own first import (one import, by the system, ending `holdBack` days before
 * the generated end) once a model is registered; so a seed interrupted before that completes the
 * next time, and a dataset someone else imported is never touched. Does nothing otherwise.
 */
export async function seedDemoRecentDays(options: Partial<RetailDemoOptions>, holdBack: number, progress?: (done: number, total: number, message: string) => void): Promise<IngestOutcome | undefined> {
  const manifest = await readManifest(DEMO_TENANT_ID);
  const demo = generateRetailDemo(options);
  const heldBackEnd = formatDay(parseIsoDay(demo.groundTruth.endDate) - holdBack);
  const ownFirstImport = manifest?.imports.length === 1 && manifest.imports[0].by === SYSTEM_ACTOR.label && manifest.dateRange?.last === heldBackEnd;
  if (!ownFirstImport || (await listVersions(DEMO_TENANT_ID)).length === 0) return undefined;
  const files = RETAIL_FILES.map((name) => ({ name, bytes: demo.files[name] }));
  const outcome = await ingestDataset(await getTenantOrThrow(DEMO_TENANT_ID), { format: 'retail', files }, SYSTEM_ACTOR, progress, undefined, { retrain: false });
  if (outcome.status === 'invalid') throw new Error(`The generated demo data did not validate: ${outcome.report.errors[0]?.reason ?? 'unknown'}`);
  await storage().writeJson(tenantPath(DEMO_TENANT_ID, 'data', 'ground_truth.json'), demo.groundTruth);
  return outcome;
}

/**
 * What the demo's first model is trained with: ridge alone. On the full demo it takes 15-40 s
 * (quiet to busy 2-core machine) and scores hold-out WAPE 0.683 against seasonal naive's 0.983
 * (31% better); boosting would reach 0.635 but takes several minutes on a busy machine, on every
 * fresh store (each `npm start` on an empty store, each integration test run). Managers train
 * boosting and the rest from the Models page or `train --tenant demo`. See docs/training.md.
 */
export const DEMO_TRAINING: Readonly<Omit<TrainOptions, 'onTrial'>> = Object.freeze({ algorithms: ['ridge'] as Algorithm[], seed: 7 });

/**
 * Trains and registers the demo's first model (straight to production) when its registry is
 * empty and it has data; does nothing otherwise.
 */
export async function seedDemoModels(progress?: ProgressFn, options: Omit<TrainOptions, 'onTrial'> = DEMO_TRAINING): Promise<ModelVersion | undefined> {
  if (!(await readManifest(DEMO_TENANT_ID))) return undefined;
  if ((await listVersions(DEMO_TENANT_ID)).length > 0) return undefined;
  const { version } = await trainAndRegister(DEMO_TENANT_ID, options, SYSTEM_ACTOR, progress);
  return version;
}

/**
 * Creates the demo tenant `demo` (enterprise plan) with one user per role and the platform admin,
 * its generated dataset and (unless `models.train` is false) its first trained model in production. The password comes from DEMO_PASSWORD, or is generated and returned
 * once. Idempotent: existing accounts and data are left as they are.
 */
export async function seedDemo(
  passwordFromEnv = process.env.DEMO_PASSWORD,
  dataOptions: Partial<RetailDemoOptions> | null = {},
  models: { train: boolean; progress?: ProgressFn } = { train: true },
): Promise<SeedResult> {
  const generatedPassword = passwordFromEnv ? undefined : randomBytes(12).toString('base64url');
  const password = passwordFromEnv || (generatedPassword as string);
  let created = false;
  if (!(await findTenant(DEMO_TENANT_ID))) {
    await createTenant({ id: DEMO_TENANT_ID, name: 'Demo Grocery', tier: 'enterprise' });
    // The generated chain sells in roubles (its prices are rouble prices); numbers read as in English.
    await setTenantRegional(DEMO_TENANT_ID, DEMO_REGIONAL);
    await recordAudit(DEMO_TENANT_ID, { actor: SYSTEM_ACTOR, action: 'tenants.create', target: DEMO_TENANT_ID, outcome: 'success', details: { by: 'seed-demo' } });
    created = true;
  }
  const accounts: string[] = [];
  // A chosen DEMO_PASSWORD meets the policy like any other, said in its own name.
  const checkChosenPassword = (email: string) => {
    const problem = passwordFromEnv ? passwordProblem(passwordFromEnv, { email, organisation: [DEMO_TENANT_ID, 'Demo Grocery'] }) : undefined;
    if (problem) throw new AppError('bad_request', `DEMO_PASSWORD is refused: ${problem}`);
  };
  for (const u of DEMO_USERS) {
    if ((await listUsers(DEMO_TENANT_ID)).some((existing) => existing.email === u.email)) continue;
    checkChosenPassword(u.email);
    await createUser(DEMO_TENANT_ID, { ...u, password });
    await recordAudit(DEMO_TENANT_ID, { actor: SYSTEM_ACTOR, action: 'users.create', target: u.email, outcome: 'success', details: { role: u.role, by: 'seed-demo' } });
    accounts.push(`${u.email} (${u.role})`);
    created = true;
  }
  if (!(await listPlatformAdmins()).some((a) => a.email === PLATFORM_ADMIN_EMAIL)) {
    checkChosenPassword(PLATFORM_ADMIN_EMAIL);
    await createPlatformAdmin({ email: PLATFORM_ADMIN_EMAIL, name: 'Platform Admin', password });
    await recordAudit(null, { actor: SYSTEM_ACTOR, action: 'platform.admin.create', target: PLATFORM_ADMIN_EMAIL, outcome: 'success' });
    accounts.push(`${PLATFORM_ADMIN_EMAIL} (platform admin)`);
    created = true;
  }
  // With a model to train, the last DEMO_RECENT_DAYS come as a second import after it (monitoring).
  const holdBack = models.train ? DEMO_RECENT_DAYS : 0;
  const full = dataOptions ? demoDataOptions(dataOptions, holdBack) : null;
  const data = full ? await seedDemoData(full, undefined, holdBack) : undefined;
  const model = models.train ? await seedDemoModels(models.progress) : undefined;
  const recent = full && holdBack > 0 ? await seedDemoRecentDays(full, holdBack) : undefined;
  return { created: created || Boolean(data) || Boolean(model) || Boolean(recent), data: recent ?? data, model, generatedPassword: accounts.length > 0 ? generatedPassword : undefined, accounts };
}
