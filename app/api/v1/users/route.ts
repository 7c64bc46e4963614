import { apiRoute } from '@/lib/api/handler';
import { listUsers, toUserView } from '@/lib/users';

export const dynamic = 'force-dynamic';

/** The tenant's users (admins only), without password hashes. */
export const GET = apiRoute({ permission: 'users.manage' }, async (ctx) => ({
  users: (await listUsers(ctx.tenantId)).map(toUserView),
  generated_at: new Date().toISOString(),
}));
