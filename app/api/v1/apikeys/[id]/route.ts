import { apiRoute } from '@/lib/api/handler';
import { revokeApiKey, toApiKeyView } from '@/lib/apikeys';
import { AppError } from '@/lib/errors';
import { recordAudit } from '@/lib/audit';

export const dynamic = 'force-dynamic';

/** Revokes one of the caller's own tenant's keys; another tenant's key id is simply not found. */
export const DELETE = apiRoute({ permission: 'apikeys.manage' }, async (ctx, { params }) => {
  if (!/^k_[a-z0-9]{12}$/.test(params.id ?? '')) throw new AppError('not_found', 'API key not found.');
  const key = await revokeApiKey(ctx.tenantId, params.id);
  await recordAudit(ctx.tenantId, { actor: ctx.actor, action: 'apikeys.revoke', target: key.id, outcome: 'success', ip: ctx.ip });
  return { key: toApiKeyView(key), generated_at: new Date().toISOString() };
});
