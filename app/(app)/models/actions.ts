'use server';

import { revalidatePath } from 'next/cache';
import { tenantAction } from '@/lib/actions';
import { archiveVersion, promoteVersion, rollbackProduction } from '@/lib/registry/store';
import { versionRefSchema } from '@/lib/schemas/models';
import { z } from 'zod';
import { onProductionChange } from '@/lib/registry/events';
import { submitJob } from '@/lib/jobs/submit';
import { trainFormSchema } from '@/lib/schemas/jobs';
import { readManifest } from '@/lib/datasets/store';
import { AppError } from '@/lib/errors';

async function requireDataset(tenantId: string): Promise<void> {
  if (!(await readManifest(tenantId))) throw new AppError('bad_request', 'There is no data to train on yet: import it on the Data page first.');
}

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

/** Starts a 'train' job (its own worker process); the page shows its progress, survives a reload. */
export const trainAction = tenantAction('models.train', trainFormSchema, async (ctx, input) => {
  await requireDataset(ctx.tenantId);
  await submitJob(ctx, 'train', { algorithms: input.algorithms, tune: input.tune });
  revalidatePath('/models');
  return `Training started (${input.algorithms.join(', ')}${input.tune ? ', tuned' : ''}). The new version is listed when the job ends.`;
});

/** Starts one auto-retraining cycle now, as the scheduler would ('retrain' job). */
export const retrainAction = tenantAction('models.train', z.object({}), async (ctx) => {
  await requireDataset(ctx.tenantId);
  await submitJob(ctx, 'retrain', { trigger: `manual (${ctx.actor.label})` });
  revalidatePath('/models');
  return 'Retraining cycle started: the challenger is promoted only if it beats production on the same hold-out.';
});
