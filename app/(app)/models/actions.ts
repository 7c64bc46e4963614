'use server';

import { revalidatePath } from 'next/cache';
import { tenantAction } from '@/lib/actions';
import { archiveVersion, promoteVersion, rollbackProduction } from '@/lib/registry/store';
import { versionRefSchema } from '@/lib/schemas/models';
import { z } from 'zod';
import { onProductionChange } from '@/lib/registry/events';

export const promoteAction = tenantAction('models.promote', versionRefSchema, async (ctx, input) => {
  const event = await promoteVersion(ctx.tenantId, input.versionId, ctx.actor);
  onProductionChange(ctx.tenantId);
  revalidatePath('/models');
  return `${input.versionId} is now in production${event.previousProduction ? ` (replacing ${event.previousProduction}, archived)` : ''}.`;
});

export const rollbackAction = tenantAction('models.rollback', z.object({}), async (ctx) => {
  const event = await rollbackProduction(ctx.tenantId, ctx.actor);
  onProductionChange(ctx.tenantId);
  revalidatePath('/models');
  return `Rolled back: ${event.versionId} is in production again (${event.previousProduction} archived).`;
});

export const archiveAction = tenantAction('models.promote', versionRefSchema, async (ctx, input) => {
  await archiveVersion(ctx.tenantId, input.versionId, ctx.actor);
  revalidatePath('/models');
  return `${input.versionId} archived.`;
});
