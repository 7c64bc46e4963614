'use server';

import bcrypt from 'bcryptjs';
import { tenantAction, AppError } from '@/lib/actions';
import { recordAudit } from '@/lib/audit';
import { changePasswordSchema } from '@/lib/schemas/admin';
import { getUserOrThrow, hashPassword, updateUser } from '@/lib/users';

export const changePasswordAction = tenantAction('dashboards.read', changePasswordSchema, async (ctx, input) => {
  if (!ctx.userId) throw new AppError('forbidden', 'Only a signed-in person can change a password.');
  const user = await getUserOrThrow({ tenantId: ctx.tenantId, userId: ctx.userId });
  if (!(await bcrypt.compare(input.current, user.passwordHash))) {
    await recordAudit(ctx.tenantId, { actor: ctx.actor, action: 'users.password', target: user.email, outcome: 'failure', ip: ctx.ip, details: { reason: 'wrong current password' } });
    throw new AppError('bad_request', 'Your current password is not right.', { field: 'current' });
  }
  const passwordHash = await hashPassword(input.next);
  await updateUser(ctx.tenantId, user.id, (u) => ({ ...u, passwordHash }));
  await recordAudit(ctx.tenantId, { actor: ctx.actor, action: 'users.password', target: user.email, outcome: 'success', ip: ctx.ip });
  return 'Password changed.';
});
