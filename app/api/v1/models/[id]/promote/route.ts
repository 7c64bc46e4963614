import { apiRoute } from '@/lib/api/handler';
import { promoteVersion, getVersionOrThrow } from '@/lib/registry/store';
import { onProductionChange } from '@/lib/registry/events';
import { versionIdSchema } from '@/lib/schemas/models';
import { AppError } from '@/lib/errors';

export const dynamic = 'force-dynamic';

/** Puts a version in production; the next forecast request is served by it. */
export const POST = apiRoute({ permission: 'models.promote' }, async (ctx, { params }) => {
  const parsed = versionIdSchema.safeParse(params.id);
  if (!parsed.success) throw new AppError('not_found', 'Model version not found.');
  await getVersionOrThrow({ tenantId: ctx.tenantId, versionId: parsed.data });
  const event = await promoteVersion(ctx.tenantId, parsed.data, ctx.actor);
  onProductionChange(ctx.tenantId);
  return { model_version: parsed.data, previous_model_version: event.previousProduction, generated_at: new Date().toISOString() };
});
