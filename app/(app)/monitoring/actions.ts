'use server';

import { revalidatePath } from 'next/cache';
import { tenantAction } from '@/lib/actions';
import { acknowledgeAlert } from '@/lib/alerts';
import { alertRefSchema } from '@/lib/schemas/alerts';

export const acknowledgeAlertAction = tenantAction('alerts.acknowledge', alertRefSchema, async (ctx, input) => {
  await acknowledgeAlert(ctx.tenantId, input.alertId, ctx.actor, ctx.ip);
  revalidatePath('/monitoring');
  return 'Acknowledged.';
});
