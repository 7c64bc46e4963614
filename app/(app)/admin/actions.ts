'use server';

import { revalidatePath } from 'next/cache';
import { tenantAction, AppError } from '@/lib/actions';
import { recordAudit } from '@/lib/audit';
import { createUser, updateUser } from '@/lib/users';
import { createApiKey, revokeApiKey } from '@/lib/apikeys';
import { setTenantBranding } from '@/lib/tenants';
import { storeLogo } from '@/lib/branding';
import { tierHas } from '@/lib/tiers';
import {
  brandingFormSchema,
  changeRoleSchema,
  createApiKeySchema,
  createUserSchema,
  revokeApiKeySchema,
  setActiveSchema,
} from '@/lib/schemas/admin';

export const createUserAction = tenantAction('users.manage', createUserSchema, async (ctx, input) => {
  const user = await createUser(ctx.tenantId, input);
  await recordAudit(ctx.tenantId, { actor: ctx.actor, action: 'users.create', target: user.email, outcome: 'success', ip: ctx.ip, details: { role: user.role } });
  revalidatePath('/admin/users');
  return `Created ${user.email} as ${user.role}.`;
});

export const changeRoleAction = tenantAction('users.manage', changeRoleSchema, async (ctx, input) => {
  const user = await updateUser(ctx.tenantId, input.userId, (u) => ({ ...u, role: input.role }));
  await recordAudit(ctx.tenantId, { actor: ctx.actor, action: 'users.role', target: user.email, outcome: 'success', ip: ctx.ip, details: { role: input.role } });
  revalidatePath('/admin/users');
  return `${user.email} is now ${input.role}.`;
});

export const setUserActiveAction = tenantAction('users.manage', setActiveSchema, async (ctx, input) => {
  if (!input.active && input.userId === ctx.userId) throw new AppError('conflict', 'You cannot deactivate yourself.');
  const user = await updateUser(ctx.tenantId, input.userId, (u) => ({ ...u, active: input.active, failedAttempts: 0, lockedUntil: null }));
  await recordAudit(ctx.tenantId, { actor: ctx.actor, action: input.active ? 'users.activate' : 'users.deactivate', target: user.email, outcome: 'success', ip: ctx.ip });
  revalidatePath('/admin/users');
  return input.active ? `${user.email} can sign in again.` : `${user.email} is deactivated and signed out.`;
});

export const createApiKeyAction = tenantAction('apikeys.manage', createApiKeySchema, async (ctx, input) => {
  if (!tierHas(ctx.tenant.tier, 'api')) throw new AppError('forbidden', `API access is not part of the ${ctx.tenant.tier} plan.`);
  const { key, secret } = await createApiKey(ctx.tenantId, { name: input.name, role: input.role, createdBy: ctx.actor.label });
  await recordAudit(ctx.tenantId, { actor: ctx.actor, action: 'apikeys.create', target: key.id, outcome: 'success', ip: ctx.ip, details: { name: key.name, role: key.role } });
  revalidatePath('/admin/api-keys');
  return { ok: true, message: `Created key "${key.name}" (${key.role}).`, data: { secret } };
});

export const revokeApiKeyAction = tenantAction('apikeys.manage', revokeApiKeySchema, async (ctx, input) => {
  const key = await revokeApiKey(ctx.tenantId, input.keyId);
  await recordAudit(ctx.tenantId, { actor: ctx.actor, action: 'apikeys.revoke', target: key.id, outcome: 'success', ip: ctx.ip, details: { name: key.name } });
  revalidatePath('/admin/api-keys');
  return `Revoked key "${key.name}". It stops working now.`;
});

export const updateBrandingAction = tenantAction('branding.manage', brandingFormSchema, async (ctx, input) => {
  const whiteLabel = tierHas(ctx.tenant.tier, 'whiteLabel');
  const wantsLogo = input.logo && input.logo.size > 0;
  if (!whiteLabel && (wantsLogo || input.primaryColor !== ctx.tenant.branding.primaryColor || input.accentColor !== ctx.tenant.branding.accentColor)) {
    throw new AppError('forbidden', `Logo and colours (white-label) are part of the Enterprise plan; your plan is ${ctx.tenant.tier}.`);
  }
  let { logoType, logoVersion } = ctx.tenant.branding;
  if (wantsLogo && input.logo) {
    logoType = await storeLogo(ctx.tenantId, new Uint8Array(await input.logo.arrayBuffer()), input.logo.type);
    logoVersion += 1;
  } else if (input.removeLogo) {
    logoType = null;
    logoVersion += 1;
  }
  await setTenantBranding(ctx.tenantId, { displayName: input.displayName, primaryColor: input.primaryColor, accentColor: input.accentColor, logoType, logoVersion });
  await recordAudit(ctx.tenantId, { actor: ctx.actor, action: 'branding.update', target: ctx.tenantId, outcome: 'success', ip: ctx.ip, details: { logo: Boolean(wantsLogo) } });
  revalidatePath('/', 'layout');
  return 'Branding saved.';
});
