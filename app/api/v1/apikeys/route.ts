import { z } from 'zod';
import { NextResponse } from 'next/server';
import { apiRoute } from '@/lib/api/handler';
import { createApiKey, listApiKeys, toApiKeyView } from '@/lib/apikeys';
import { createApiKeySchema } from '@/lib/schemas/admin';
import { AppError } from '@/lib/errors';
import { tierHas } from '@/lib/tiers';
import { recordAudit } from '@/lib/audit';

export const dynamic = 'force-dynamic';

export const GET = apiRoute({ permission: 'apikeys.manage' }, async (ctx) => ({
  keys: (await listApiKeys(ctx.tenantId)).map(toApiKeyView),
  generated_at: new Date().toISOString(),
}));

/** Creates a key; the response holds the secret, the only time it is ever shown. */
export const POST = apiRoute({ permission: 'apikeys.manage', body: createApiKeySchema.extend({ name: z.string().trim().min(1).max(80) }) }, async (ctx, { body }) => {
  if (!tierHas(ctx.tenant.tier, 'api')) throw new AppError('forbidden', `API access is not part of the ${ctx.tenant.tier} plan.`);
  const { key, secret } = await createApiKey(ctx.tenantId, { name: body.name, role: body.role, createdBy: ctx.actor.label });
  await recordAudit(ctx.tenantId, { actor: ctx.actor, action: 'apikeys.create', target: key.id, outcome: 'success', ip: ctx.ip, details: { name: key.name, role: key.role } });
  return NextResponse.json({ key: toApiKeyView(key), secret, generated_at: new Date().toISOString() }, { status: 201 });
});
