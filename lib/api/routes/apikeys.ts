import { z } from 'zod';
import { apiRoute } from '../handler';
import { answerSchema } from '../definition';
import { createApiKey, listApiKeys, revokeApiKey, toApiKeyView } from '../../apikeys';
import { createApiKeySchema } from '../../schemas/admin';
import { roleSchema } from '../../schemas/tenant';
import { AppError } from '../../errors';
import { tierHas } from '../../tiers';
import { recordAudit } from '../../audit';

/** A key as the API shows one: never its hash or secret. */
export const apiKeyViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
  prefix: z.string().describe('The start of the secret, to recognise a key'),
  createdAt: z.string(),
  createdBy: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

const exampleKey = { id: 'k_5c0e7a91b2d3', name: 'nightly-sync', role: 'viewer', prefix: 'fsk.acme.k_5c0e7a91b2d3', createdAt: '2024-04-30T16:20:00.000Z', createdBy: 'ana@acme.test', lastUsedAt: null, revokedAt: null } as const;

/** `GET /api/v1/apikeys`: the tenant's keys. */
export const listApiKeysRoute = apiRoute(
  {
    method: 'GET',
    path: '/apikeys',
    operationId: 'listApiKeys',
    summary: "The tenant's API keys (never their secrets)",
    permission: 'apikeys.manage',
    response: {
      status: 200,
      description: 'Keys',
      schema: answerSchema({ keys: z.array(apiKeyViewSchema) }),
      example: { keys: [{ ...exampleKey, lastUsedAt: '2024-05-02T03:00:12.000Z' }], generated_at: '2024-05-02T08:00:00.000Z' },
    },
  },
  async (ctx) => ({ keys: (await listApiKeys(ctx.tenantId)).map(toApiKeyView) }),
);

/** `POST /api/v1/apikeys`: creates a key; the answer holds the secret, the only time it is ever shown. */
export const createApiKeyRoute = apiRoute(
  {
    method: 'POST',
    path: '/apikeys',
    operationId: 'createApiKey',
    summary: 'Create an API key; the secret is in this response only',
    permission: 'apikeys.manage',
    body: createApiKeySchema.extend({ name: z.string().trim().min(1).max(80) }),
    exampleRequest: { body: { name: 'nightly-sync', role: 'viewer' } },
    errors: ['conflict'],
    response: {
      status: 201,
      description: 'The key and its secret',
      schema: answerSchema({ key: apiKeyViewSchema, secret: z.string().describe('Send it as "Authorization: Bearer <secret>"; it is not stored and cannot be shown again') }),
      example: { key: exampleKey, secret: 'fsk.acme.k_5c0e7a91b2d3.8Jq2vX0kR7nW4pLm9sT1uY6bZ3cD5eF0', generated_at: '2024-04-30T16:20:00.000Z' },
    },
  },
  async (ctx, { body }) => {
    if (!tierHas(ctx.tenant.tier, 'api')) throw new AppError('forbidden', `API access is not part of the ${ctx.tenant.tier} plan.`);
    const { key, secret } = await createApiKey(ctx.tenantId, { name: body.name, role: body.role, createdBy: ctx.actor.label });
    await recordAudit(ctx.tenantId, { actor: ctx.actor, action: 'apikeys.create', target: key.id, outcome: 'success', ip: ctx.ip, details: { name: key.name, role: key.role } });
    return { key: toApiKeyView(key), secret };
  },
);

/** `DELETE /api/v1/apikeys/{id}`: revokes one of the caller's own tenant's keys; another tenant's key id is simply not found. */
export const revokeApiKeyRoute = apiRoute(
  {
    method: 'DELETE',
    path: '/apikeys/{id}',
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key',
    permission: 'apikeys.manage',
    params: z.object({ id: z.string() }),
    exampleRequest: { params: { id: 'k_5c0e7a91b2d3' } },
    errors: ['conflict'],
    response: {
      status: 200,
      description: 'The revoked key',
      schema: answerSchema({ key: apiKeyViewSchema }),
      example: { key: { ...exampleKey, revokedAt: '2024-05-02T08:00:00.000Z' }, generated_at: '2024-05-02T08:00:00.000Z' },
    },
  },
  async (ctx, { params }) => {
    if (!/^k_[a-z0-9]{12}$/.test(params.id)) throw new AppError('not_found', 'API key not found.');
    const key = await revokeApiKey(ctx.tenantId, params.id);
    await recordAudit(ctx.tenantId, { actor: ctx.actor, action: 'apikeys.revoke', target: key.id, outcome: 'success', ip: ctx.ip });
    return { key: toApiKeyView(key) };
  },
);
