'use server';

import { revalidatePath } from 'next/cache';
import { platformAction } from '@/lib/actions';
import { recordAudit } from '@/lib/audit';
import { createTenantWithAdmin } from '@/lib/provisioning';
import { deleteTenant, getTenantOrThrow, setTenantQuotaOverrides, setTenantStatus, setTenantTier } from '@/lib/tenants';
import { createTenantSchema, deleteTenantSchema, setRateLimitSchema, setStatusSchema, setTierSchema } from '@/lib/schemas/admin';

export const createTenantAction = platformAction(createTenantSchema, async (ctx, input) => {
  const tenant = await createTenantWithAdmin(input, ctx.actor, ctx.ip);
  revalidatePath('/platform/tenants');
  return `Created tenant ${tenant.id} (${tenant.tier}) with admin ${input.adminEmail}.`;
});

export const setTenantStatusAction = platformAction(setStatusSchema, async (ctx, input) => {
  await setTenantStatus(input.tenantId, input.status);
  const action = input.status === 'suspended' ? 'tenants.suspend' : 'tenants.reactivate';
  await recordAudit(null, { actor: ctx.actor, action, target: input.tenantId, outcome: 'success', ip: ctx.ip });
  await recordAudit(input.tenantId, { actor: ctx.actor, action, target: input.tenantId, outcome: 'success', ip: ctx.ip });
  revalidatePath('/platform/tenants');
  return input.status === 'suspended' ? `${input.tenantId} is suspended: its users cannot sign in and its keys stop working.` : `${input.tenantId} is active again.`;
});

export const setTenantTierAction = platformAction(setTierSchema, async (ctx, input) => {
  const before = await getTenantOrThrow(input.tenantId);
  await setTenantTier(input.tenantId, input.tier);
  const details = { from: before.tier, to: input.tier };
  await recordAudit(null, { actor: ctx.actor, action: 'tenants.tier', target: input.tenantId, outcome: 'success', ip: ctx.ip, details });
  await recordAudit(input.tenantId, { actor: ctx.actor, action: 'tenants.tier', target: input.tenantId, outcome: 'success', ip: ctx.ip, details });
  revalidatePath('/platform/tenants');
  return `${input.tenantId} is now on ${input.tier}.`;
});

export const setRateLimitAction = platformAction(setRateLimitSchema, async (ctx, input) => {
  const tenant = await getTenantOrThrow(input.tenantId);
  await setTenantQuotaOverrides(input.tenantId, { ...tenant.quotaOverrides, rateLimitPerMinute: input.rateLimitPerMinute });
  await recordAudit(null, { actor: ctx.actor, action: 'tenants.quota', target: input.tenantId, outcome: 'success', ip: ctx.ip, details: { rateLimitPerMinute: input.rateLimitPerMinute } });
  revalidatePath('/platform/tenants');
  return `Rate limit of ${input.tenantId} set to ${input.rateLimitPerMinute} a minute.`;
});

export const deleteTenantAction = platformAction(deleteTenantSchema, async (ctx, input) => {
  await deleteTenant(input.tenantId);
  await recordAudit(null, { actor: ctx.actor, action: 'tenants.delete', target: input.tenantId, outcome: 'success', ip: ctx.ip });
  revalidatePath('/platform/tenants');
  return `Deleted ${input.tenantId} and all of its files.`;
});
