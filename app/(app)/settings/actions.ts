'use server';

import { tenantAction, AppError } from '@/lib/actions';
import { recordAudit } from '@/lib/audit';
import { changePasswordSchema } from '@/lib/schemas/admin';
import { getUserOrThrow, hashPassword, updateUser, verifyPassword } from '@/lib/users';
import { assertPasswordAllowed } from '@/lib/auth/password-policy';
import { z } from 'zod';
import { revalidatePath } from 'next/cache';
import { updateRetrainingSettings } from '@/lib/retraining-settings';
import { renewCurrentSession } from '@/lib/auth/session';
import { regionalSchema } from '@/lib/schemas/tenant';
import { setTenantRegional } from '@/lib/tenants';
import { formatterFor } from '@/lib/format';

const percent = (max: number) => z.coerce.number().min(0, 'Use 0 or more').max(max, `Use at most ${max}`).transform((v) => v / 100);
const retrainingFormSchema = z.object({
  schedule: z.enum(['off', 'daily', 'weekly', 'monthly']),
  onDecay: z.enum(['on']).optional().transform((v) => v === 'on'),
  onDrift: z.enum(['on']).optional().transform((v) => v === 'on'),
  tune: z.enum(['on']).optional().transform((v) => v === 'on'),
  margin: percent(50),
  segmentTolerance: percent(50),
  decayTolerance: percent(100),
});

export const updateRetrainingAction = tenantAction('schedules.manage', retrainingFormSchema, async (ctx, input) => {
  const saved = await updateRetrainingSettings(ctx.tenant, input);
  await recordAudit(ctx.tenantId, { actor: ctx.actor, action: 'schedules.update', target: saved.schedule, outcome: 'success', ip: ctx.ip, details: { ...input } });
  revalidatePath('/settings');
  return `Auto-retraining: ${saved.schedule}${saved.onDecay || saved.onDrift ? `, and on ${[saved.onDecay && 'decay', saved.onDrift && 'drift'].filter(Boolean).join(' and ')}` : ''}.`;
});

export const changePasswordAction = tenantAction('dashboards.read', changePasswordSchema, async (ctx, input) => {
  if (!ctx.userId) throw new AppError('forbidden', 'Only a signed-in person can change a password.');
  const user = await getUserOrThrow({ tenantId: ctx.tenantId, userId: ctx.userId });
  if (!(await verifyPassword(input.current, user.passwordHash)).ok) {
    await recordAudit(ctx.tenantId, { actor: ctx.actor, action: 'users.password', target: user.email, outcome: 'failure', ip: ctx.ip, details: { reason: 'wrong current password' } });
    throw new AppError('bad_request', 'Your current password is not right.', { field: 'current' });
  }
  assertPasswordAllowed(input.next, { email: user.email, organisation: [ctx.tenantId, ctx.tenant.name, ctx.tenant.branding.displayName] }, 'next');
  const passwordHash = await hashPassword(input.next);
  const updated = await updateUser(ctx.tenantId, user.id, (u) => ({ ...u, passwordHash }));
  // The change ended every session of the account; this one goes on with the new version.
  await renewCurrentSession(updated.sessionVersion);
  await recordAudit(ctx.tenantId, { actor: ctx.actor, action: 'users.password', target: user.email, outcome: 'success', ip: ctx.ip });
  return 'Password changed. Your other sessions are signed out.';
});

/** Admins set how the tenant's figures read everywhere: currency, number and date locale, time zone. */
export const updateRegionalAction = tenantAction('settings.manage', regionalSchema, async (ctx, input) => {
  const saved = await setTenantRegional(ctx.tenantId, input);
  await recordAudit(ctx.tenantId, { actor: ctx.actor, action: 'settings.regional', target: ctx.tenantId, outcome: 'success', ip: ctx.ip, details: { ...saved.regional } });
  // Every page prints figures: none may keep the old formats.
  revalidatePath('/', 'layout');
  const f = formatterFor(saved.regional);
  return `Saved: figures now read ${f.money(3437942)}, ${f.compact(3437942)}, ${f.day('2012-10-26')}; times are in ${saved.regional.timeZone}.`;
});
