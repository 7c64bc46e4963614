import { apiRoute } from '@/lib/api/handler';
import { listVersions } from '@/lib/registry/store';

export const dynamic = 'force-dynamic';

/** The model registry: every version, newest first, with the production one marked. */
export const GET = apiRoute({ permission: 'models.read' }, async (ctx) => {
  const versions = await listVersions(ctx.tenantId);
  const production = versions.find((v) => v.stage === 'production');
  return { models: versions, model_version: production?.id ?? null, generated_at: new Date().toISOString() };
});
