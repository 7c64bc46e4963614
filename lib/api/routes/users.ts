import { z } from 'zod';
import { apiRoute } from '../handler';
import { answerSchema } from '../definition';
import { listUsers, toUserView } from '../../users';
import { roleSchema } from '../../schemas/tenant';

/** A user as the API shows one: never the password hash. */
export const userViewSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  active: z.boolean(),
  createdAt: z.string(),
  lastSignInAt: z.string().nullable(),
  lockedUntil: z.string().nullable().describe('Set while the account is locked after failed sign-ins'),
});

/** `GET /api/v1/users`: the tenant's users (admins only), without password hashes. */
export const listUsersRoute = apiRoute(
  {
    method: 'GET',
    path: '/users',
    operationId: 'listUsers',
    summary: "The tenant's users (no password hashes)",
    permission: 'users.manage',
    response: {
      status: 200,
      description: 'Users',
      schema: answerSchema({ users: z.array(userViewSchema) }),
      example: {
        users: [{ id: 'u_3f9a1c2b7d4e5f60', email: 'ana@acme.test', name: 'Ana', role: 'admin', active: true, createdAt: '2024-01-08T09:12:00.000Z', lastSignInAt: '2024-05-02T07:58:41.000Z', lockedUntil: null }],
        generated_at: '2024-05-02T08:00:00.000Z',
      },
    },
  },
  async (ctx) => ({ users: (await listUsers(ctx.tenantId)).map(toUserView) }),
);
