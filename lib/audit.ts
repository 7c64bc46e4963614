import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { isoDay, queryInteger } from './schemas/common';
import { platformPath, storage, tenantPath } from './storage';

/** One audit record (docs/security.md): who, when, what, target, outcome, address. */
export const auditRecordSchema = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.object({ type: z.enum(['user', 'apikey', 'platform', 'system', 'anonymous']), id: z.string(), label: z.string() }),
  action: z.string(),
  target: z.string().default(''),
  outcome: z.enum(['success', 'failure', 'denied']),
  ip: z.string().default(''),
  details: z.record(z.string(), z.unknown()).default({}),
});
export type AuditRecord = z.infer<typeof auditRecordSchema>;
export type AuditActor = AuditRecord['actor'];
export type AuditInput = Omit<AuditRecord, 'id' | 'at' | 'details' | 'target' | 'ip'> & {
  target?: string;
  ip?: string;
  details?: Record<string, unknown>;
};

export const SYSTEM_ACTOR: AuditActor = { type: 'system', id: 'system', label: 'system' };

function auditKey(tenantId: string | null): string {
  return tenantId ? tenantPath(tenantId, 'tenants', 'audit.jsonl') : platformPath('audit.jsonl');
}

/** Appends to the tenant's audit log, or the platform's when `tenantId` is null. Never throws on a log failure. */
export async function recordAudit(tenantId: string | null, input: AuditInput): Promise<void> {
  const record: AuditRecord = {
    id: randomUUID(),
    at: new Date().toISOString(),
    target: '',
    ip: '',
    details: {},
    ...input,
  };
  try {
    await storage().appendLine(auditKey(tenantId), record);
  } catch (e) {
    // The change itself already happened; losing its log line must be visible to operators.
    console.error(`audit: could not append ${input.action} for ${tenantId ?? 'platform'}:`, (e as Error).message);
  }
}

export const auditQuerySchema = z
  .object({
    action: z.string().trim().max(100).optional(),
    actor: z.string().trim().max(200).optional(),
    outcome: z.enum(['success', 'failure', 'denied'], { message: 'outcome must be success, failure or denied' }).optional(),
    from: isoDay('from').optional(),
    to: isoDay('to').optional(),
    page: queryInteger('page', 1, 1_000_000).default(1),
    pageSize: queryInteger('pageSize', 1, 500).default(50),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from must not be after to', path: ['from'] });
export type AuditQuery = z.infer<typeof auditQuerySchema>;

/** Newest first, filtered; `page` is 1-based. */
export async function queryAudit(tenantId: string | null, query: AuditQuery): Promise<{ records: AuditRecord[]; total: number; actions: string[] }> {
  const all = await storage().readLines(auditKey(tenantId), auditRecordSchema);
  const actions = [...new Set(all.map((r) => r.action))].sort();
  const actorNeedle = query.actor?.toLowerCase();
  const filtered = all
    .filter((r) => (query.action ? r.action === query.action : true))
    .filter((r) => (query.outcome ? r.outcome === query.outcome : true))
    .filter((r) => (actorNeedle ? r.actor.label.toLowerCase().includes(actorNeedle) || r.actor.id === query.actor : true))
    .filter((r) => (query.from ? r.at.slice(0, 10) >= query.from : true))
    .filter((r) => (query.to ? r.at.slice(0, 10) <= query.to : true))
    .reverse();
  const start = (query.page - 1) * query.pageSize;
  return { records: filtered.slice(start, start + query.pageSize), total: filtered.length, actions };
}
