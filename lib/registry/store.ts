import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../errors';
import { storage, tenantPath } from '../storage';
import type { AuditActor } from '../audit';
import { recordAudit } from '../audit';

/**
 * The model registry of a tenant (docs/architecture.md): `models/<tenant>/registry.json` lists every version and
 * the history of stage changes; each version's artifact (everything serving needs) is its own
 * immutable file `models/<tenant>/artifacts/<id>.json`, written before the version is listed.
 * Every change is one read-modify-write under the registry's lock, so concurrent promotions can
 * never leave two production versions or a damaged file.
 */
export const STAGES = ['none', 'staging', 'production', 'archived'] as const;
export const stageSchema = z.enum(STAGES);
export type Stage = z.infer<typeof stageSchema>;

const metricsSchema = z.record(z.string(), z.number().nullable());

export const modelVersionSchema = z.object({
  id: z.string().regex(/^v[0-9]{1,6}$/),
  algorithm: z.string(),
  params: z.record(z.string(), z.unknown()),
  metrics: metricsSchema,
  baselineMetrics: metricsSchema.default({}),
  segmentMetrics: z.record(z.string(), z.array(z.object({ segment: z.string(), wape: z.number().nullable(), share: z.number() }))).default({}),
  featureSchema: z.array(z.string()),
  datasetFingerprint: z.string(),
  trainingWindow: z.object({ from: z.string(), to: z.string() }),
  codeVersion: z.string(),
  author: z.string(),
  createdAt: z.string(),
  stage: stageSchema,
  stageReason: z.string().nullable().default(null),
  promotedAt: z.string().nullable(),
  promotedBy: z.string().nullable(),
  experimentId: z.string().nullable().default(null),
});
export type ModelVersion = z.infer<typeof modelVersionSchema>;

const historySchema = z.object({
  at: z.string(),
  by: z.string(),
  action: z.enum(['register', 'promote', 'rollback', 'archive', 'stage']),
  versionId: z.string(),
  /** For promotions and rollbacks: the production version it replaced. */
  previousProduction: z.string().nullable(),
  reason: z.string().nullable().default(null),
});
export type RegistryEvent = z.infer<typeof historySchema>;

const registrySchema = z.object({ nextNumber: z.number().int().positive(), versions: z.array(modelVersionSchema), history: z.array(historySchema) });
type Registry = z.infer<typeof registrySchema>;
const emptyRegistry = (): Registry => ({ nextNumber: 1, versions: [], history: [] });

const registryKey = (tenantId: string) => tenantPath(tenantId, 'models', 'registry.json');
const artifactKey = (tenantId: string, id: string) => tenantPath(tenantId, 'models', 'artifacts', `${id}.json`);

let codeVersionCache: string | undefined;
/** The running code's version: FORESIGHT_CODE_VERSION, else the git commit, else the package version. */
export function codeVersion(): string {
  if (codeVersionCache) return codeVersionCache;
  codeVersionCache = process.env.FORESIGHT_CODE_VERSION;
  if (!codeVersionCache) {
    try {
      codeVersionCache = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    } catch {
      codeVersionCache = `package-${process.env.npm_package_version ?? '0.1.0'}`;
    }
  }
  return codeVersionCache;
}

export async function readRegistry(tenantId: string): Promise<Registry> {
  return (await storage().readJson(registryKey(tenantId), registrySchema)) ?? emptyRegistry();
}

export async function listVersions(tenantId: string): Promise<ModelVersion[]> {
  return [...(await readRegistry(tenantId)).versions].reverse();
}

export async function getVersionOrThrow({ tenantId, versionId }: { tenantId: string; versionId: string }): Promise<ModelVersion> {
  const v = (await readRegistry(tenantId)).versions.find((x) => x.id === versionId);
  if (!v) throw new AppError('not_found', `Model version ${versionId} not found.`);
  return v;
}

export async function productionVersion(tenantId: string): Promise<ModelVersion | undefined> {
  return (await readRegistry(tenantId)).versions.find((v) => v.stage === 'production');
}

export type NewVersion = Omit<ModelVersion, 'id' | 'codeVersion' | 'createdAt' | 'stage' | 'promotedAt' | 'promotedBy' | 'stageReason'> & {
  /** 'production' promotes it in the same atomic change (the previous production is archived). */
  stage: 'none' | 'staging' | 'production';
  stageReason?: string | null;
};

/**
 * Stores the artifact, then lists the version, in one atomic registry change: a process killed at
 * any point leaves the registry as it was (at most an unlisted artifact file behind). A tenant's
 * first version goes straight to production (there is nothing to compare it with).
 */
export async function registerVersion(tenantId: string, input: NewVersion, artifact: unknown, actor: AuditActor): Promise<ModelVersion> {
  let created: ModelVersion | undefined;
  let replaced: string | null = null;
  const provisional = `pending-${randomBytes(8).toString('hex')}`;
  await storage().writeJson(tenantPath(tenantId, 'models', 'artifacts', `${provisional}.json`), artifact);
  try {
    await storage().updateJson(registryKey(tenantId), registrySchema, emptyRegistry, async (reg) => {
      const id = `v${reg.nextNumber}`;
      const current = reg.versions.find((v) => v.stage === 'production');
      const toProduction = !current || input.stage === 'production';
      const now = new Date().toISOString();
      const reason = !current ? 'first model of the organisation: promoted automatically' : (input.stageReason ?? null);
      created = {
        ...input,
        id,
        codeVersion: codeVersion(),
        createdAt: now,
        stage: toProduction ? 'production' : input.stage === 'production' ? 'staging' : input.stage,
        stageReason: reason,
        promotedAt: toProduction ? now : null,
        promotedBy: toProduction ? actor.label : null,
      };
      replaced = toProduction ? (current?.id ?? null) : null;
      // A version is listed only once its artifact is in place under its final name.
      await storage().renameKey(tenantPath(tenantId, 'models', 'artifacts', `${provisional}.json`), artifactKey(tenantId, id));
      const history: RegistryEvent[] = [{ at: now, by: actor.label, action: 'register', versionId: id, previousProduction: null, reason: null }];
      if (toProduction) history.push({ at: now, by: actor.label, action: 'promote', versionId: id, previousProduction: replaced, reason });
      const versions = reg.versions.map((v): ModelVersion => (toProduction && v.stage === 'production' ? { ...v, stage: 'archived' } : v));
      return { nextNumber: reg.nextNumber + 1, versions: [...versions, created], history: [...reg.history, ...history] };
    });
  } catch (e) {
    await storage().remove(tenantPath(tenantId, 'models', 'artifacts', `${provisional}.json`));
    throw e;
  }
  const v = created as ModelVersion;
  await recordAudit(tenantId, { actor, action: 'models.register', target: v.id, outcome: 'success', details: { algorithm: v.algorithm, stage: v.stage } });
  if (v.stage === 'production') await recordAudit(tenantId, { actor, action: 'models.promote', target: v.id, outcome: 'success', details: { reason: v.stageReason, previousProduction: replaced } });
  return v;
}

export async function readArtifact(tenantId: string, versionId: string): Promise<unknown> {
  const artifact = await storage().readJson(artifactKey(tenantId, versionId), z.unknown());
  if (artifact === undefined) throw new AppError('not_found', `The artifact of model version ${versionId} is missing.`);
  return artifact;
}

type Change = (reg: Registry, now: string) => { reg: Registry; event: RegistryEvent };

async function change(tenantId: string, actor: AuditActor, auditAction: string, target: string, apply: Change): Promise<RegistryEvent> {
  let event: RegistryEvent | undefined;
  await storage().updateJson(registryKey(tenantId), registrySchema, emptyRegistry, (reg) => {
    const result = apply(reg, new Date().toISOString());
    event = result.event;
    return { ...result.reg, history: [...result.reg.history, result.event] };
  });
  const e = event as RegistryEvent;
  await recordAudit(tenantId, { actor, action: auditAction, target, outcome: 'success', details: { previousProduction: e.previousProduction, reason: e.reason } });
  return e;
}

function setProduction(reg: Registry, versionId: string, now: string, by: string): { versions: ModelVersion[]; previous: string | null } {
  const target = reg.versions.find((v) => v.id === versionId);
  if (!target) throw new AppError('not_found', `Model version ${versionId} not found.`);
  const previous = reg.versions.find((v) => v.stage === 'production')?.id ?? null;
  if (previous === versionId) throw new AppError('conflict', `${versionId} is already in production.`);
  const versions = reg.versions.map((v): ModelVersion => {
    if (v.id === versionId) return { ...v, stage: 'production', promotedAt: now, promotedBy: by, stageReason: null };
    if (v.stage === 'production') return { ...v, stage: 'archived' };
    return v;
  });
  return { versions, previous };
}

/** Makes `versionId` the production version; the previous one is archived (and can be rolled back to). */
export async function promoteVersion(tenantId: string, versionId: string, actor: AuditActor, reason: string | null = null): Promise<RegistryEvent> {
  return change(tenantId, actor, 'models.promote', versionId, (reg, now) => {
    const { versions, previous } = setProduction(reg, versionId, now, actor.label);
    return { reg: { ...reg, versions }, event: { at: now, by: actor.label, action: 'promote', versionId, previousProduction: previous, reason } };
  });
}

/** Puts back the production version that the current one replaced (one click, docs/architecture.md). */
export async function rollbackProduction(tenantId: string, actor: AuditActor): Promise<RegistryEvent> {
  return change(tenantId, actor, 'models.rollback', 'production', (reg, now) => {
    const current = reg.versions.find((v) => v.stage === 'production');
    if (!current) throw new AppError('conflict', 'There is no production version to roll back.');
    // What the current version replaced when it was promoted (a rollback does not count: rolling
    // back twice goes two steps back, not to and fro).
    const lastPromotion = [...reg.history].reverse().find((h) => h.action === 'promote' && h.versionId === current.id);
    const previous = lastPromotion?.previousProduction;
    if (!previous || !reg.versions.some((v) => v.id === previous)) throw new AppError('conflict', `${current.id} replaced no earlier production version: nothing to roll back to.`);
    const { versions } = setProduction(reg, previous, now, actor.label);
    return { reg: { ...reg, versions }, event: { at: now, by: actor.label, action: 'rollback', versionId: previous, previousProduction: current.id, reason: `rolled back from ${current.id}` } };
  });
}

/** Archives a version that is not in production. */
export async function archiveVersion(tenantId: string, versionId: string, actor: AuditActor): Promise<RegistryEvent> {
  return change(tenantId, actor, 'models.archive', versionId, (reg, now) => {
    const v = reg.versions.find((x) => x.id === versionId);
    if (!v) throw new AppError('not_found', `Model version ${versionId} not found.`);
    if (v.stage === 'production') throw new AppError('conflict', 'The production version cannot be archived: promote another version first.');
    if (v.stage === 'archived') throw new AppError('conflict', `${versionId} is already archived.`);
    return {
      reg: { ...reg, versions: reg.versions.map((x) => (x.id === versionId ? { ...x, stage: 'archived' as const } : x)) },
      event: { at: now, by: actor.label, action: 'archive', versionId, previousProduction: null, reason: null },
    };
  });
}

/** Sets a non-production version's stage (e.g. a challenger kept in staging) with the reason. */
export async function setStage(tenantId: string, versionId: string, stage: 'none' | 'staging', reason: string, actor: AuditActor): Promise<RegistryEvent> {
  return change(tenantId, actor, 'models.stage', versionId, (reg, now) => {
    const v = reg.versions.find((x) => x.id === versionId);
    if (!v) throw new AppError('not_found', `Model version ${versionId} not found.`);
    if (v.stage === 'production') throw new AppError('conflict', 'Use promote or rollback to change the production version.');
    return {
      reg: { ...reg, versions: reg.versions.map((x) => (x.id === versionId ? { ...x, stage, stageReason: reason } : x)) },
      event: { at: now, by: actor.label, action: 'stage', versionId, previousProduction: null, reason },
    };
  });
}

export async function registryHistory(tenantId: string): Promise<RegistryEvent[]> {
  return [...(await readRegistry(tenantId)).history].reverse();
}

/** Metric by metric and segment by segment differences of two versions (b minus a). */
export function compareVersions(a: ModelVersion, b: ModelVersion) {
  const metricNames = [...new Set([...Object.keys(a.metrics), ...Object.keys(b.metrics)])].sort();
  const metrics = metricNames.map((m) => ({ metric: m, a: a.metrics[m] ?? null, b: b.metrics[m] ?? null, diff: a.metrics[m] != null && b.metrics[m] != null ? (b.metrics[m] as number) - (a.metrics[m] as number) : null }));
  const segments: { level: string; segment: string; a: number | null; b: number | null; diff: number | null; share: number }[] = [];
  for (const level of new Set([...Object.keys(a.segmentMetrics), ...Object.keys(b.segmentMetrics)])) {
    const left = new Map((a.segmentMetrics[level] ?? []).map((s) => [s.segment, s]));
    const right = new Map((b.segmentMetrics[level] ?? []).map((s) => [s.segment, s]));
    for (const seg of new Set([...left.keys(), ...right.keys()])) {
      const wa = left.get(seg)?.wape ?? null;
      const wb = right.get(seg)?.wape ?? null;
      segments.push({ level, segment: seg, a: wa, b: wb, diff: wa !== null && wb !== null ? wb - wa : null, share: right.get(seg)?.share ?? left.get(seg)?.share ?? 0 });
    }
  }
  return { metrics, segments };
}
