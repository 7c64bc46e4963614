'use server';

import { z } from 'zod';
import { revalidatePath } from 'next/cache';
import { tenantAction, AppError } from '@/lib/actions';
import { recordAudit } from '@/lib/audit';
import { BASE_CALENDARS, importHolidayCsv, setBaseCalendar, type BaseCalendar } from '@/lib/holidays';

const holidayFormSchema = z.object({
  base: z.enum(Object.keys(BASE_CALENDARS) as [BaseCalendar, ...BaseCalendar[]]),
  file: z
    .instanceof(File)
    .optional()
    .refine((f) => !f || f.size <= 1024 * 1024, 'The holiday file must be at most 1 MB'),
});

/** Sets the tenant's holiday calendar: a built-in one, plus the dates of an optional CSV. */
export const setHolidaysAction = tenantAction('data.import', holidayFormSchema, async (ctx, input) => {
  const hasFile = input.file && input.file.size > 0;
  if (hasFile && input.file && !/\.(csv|txt)$/i.test(input.file.name)) throw new AppError('bad_request', 'Upload a .csv file of dates (date[,name]).', { field: 'file' });
  const spec = hasFile && input.file ? await importHolidayCsv(ctx.tenantId, input.base, await input.file.text(), input.file.name) : await setBaseCalendar(ctx.tenantId, input.base);
  await recordAudit(ctx.tenantId, { actor: ctx.actor, action: 'settings.holidays', target: spec.name, outcome: 'success', ip: ctx.ip, details: { dates: spec.dates.length } });
  revalidatePath('/data');
  return `Holiday calendar set: ${input.base}${hasFile ? ` plus ${spec.dates.length} dates` : ''}. It applies from the next training.`;
});
