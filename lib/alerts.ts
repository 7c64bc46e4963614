import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { storage, tenantPath } from './storage';
import { AppError } from './errors';
import type { AuditActor } from './audit';
import { recordAudit } from './audit';

/**
 * Alerts (decay, drift, anomalies) of a tenant, append-only: `tenants/<id>/alerts.jsonl` holds the
 * alerts and `alerts-ack.jsonl` who acknowledged which; the open ones are the difference.
 */
export const alertSchema = z.object({
  id: z.string(),
  at: z.string(),
  kind: z.enum(['decay', 'drift', 'anomaly', 'retraining']),
  severity: z.enum(['info', 'warning', 'critical']),
  title: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).default({}),
});
export type Alert = z.infer<typeof alertSchema>;
const ackSchema = z.object({ alertId: z.string(), at: z.string(), by: z.string() });

const alertsKey = (t: string) => tenantPath(t, 'tenants', 'alerts.jsonl');
const acksKey = (t: string) => tenantPath(t, 'tenants', 'alerts-ack.jsonl');

export async function raiseAlert(tenantId: string, input: Omit<Alert, 'id' | 'at'>): Promise<Alert> {
  const alert: Alert = { id: `a_${randomBytes(6).toString('hex')}`, at: new Date().toISOString(), ...input };
  await storage().appendLine(alertsKey(tenantId), alert);
  return alert;
}

export type AlertView = Alert & { acknowledged: { at: string; by: string } | null };

/** Newest first. */
export async function listAlerts(tenantId: string, filter: { open?: boolean; kind?: Alert['kind']; limit?: number } = {}): Promise<AlertView[]> {
  const [alerts, acks] = await Promise.all([storage().readLines(alertsKey(tenantId), alertSchema), storage().readLines(acksKey(tenantId), ackSchema)]);
  const ackBy = new Map(acks.map((a) => [a.alertId, { at: a.at, by: a.by }]));
  return alerts
    .map((a) => ({ ...a, acknowledged: ackBy.get(a.id) ?? null }))
    .filter((a) => (filter.open === undefined ? true : filter.open ? !a.acknowledged : Boolean(a.acknowledged)) && (!filter.kind || a.kind === filter.kind))
    .reverse()
    .slice(0, filter.limit ?? 200);
}

export async function acknowledgeAlert(tenantId: string, alertId: string, actor: AuditActor, ip = ''): Promise<void> {
  const all = await listAlerts(tenantId, { limit: Number.MAX_SAFE_INTEGER });
  const alert = all.find((a) => a.id === alertId);
  if (!alert) throw new AppError('not_found', 'Alert not found.');
  if (alert.acknowledged) throw new AppError('conflict', `Already acknowledged by ${alert.acknowledged.by}.`);
  await storage().appendLine(acksKey(tenantId), { alertId, at: new Date().toISOString(), by: actor.label });
  await recordAudit(tenantId, { actor, action: 'alerts.acknowledge', target: alertId, outcome: 'success', ip, details: { kind: alert.kind, title: alert.title } });
}
