import 'server-only';
import type { NextRequest } from 'next/server';
import { AppError, isAppError } from '../errors';
import type { Permission } from '../auth/permissions';
import { currentPrincipal, requestIp } from '../auth/context';
import { authorize, requirePermission, type TenantContext } from '../auth/authorize';
import { errorResponse } from './handler';

/**
 * For the app's own session-only routes (CSV downloads, the logo): the signed-in tenant user holding
 * every listed permission, else 401/403 in the API's error shape (docs/serving.md). A refusal is audited.
 */
export function sessionRoute(permissions: readonly [Permission, ...Permission[]], handler: (ctx: TenantContext, req: NextRequest) => Promise<Response>) {
  return async (req: NextRequest): Promise<Response> => {
    try {
      const target = req.nextUrl.pathname;
      const [first, ...rest] = permissions;
      const r = await authorize(await currentPrincipal(), first, { ip: await requestIp(), target, audit: true });
      if (!r.ok) throw r.error;
      for (const permission of rest) await requirePermission(r.ctx, permission, { target });
      return await handler(r.ctx, req);
    } catch (e) {
      if (isAppError(e)) return errorResponse(e);
      console.error(`route ${req.nextUrl.pathname} failed:`, e);
      return errorResponse(new AppError('internal', 'Internal error; it has been logged.'));
    }
  };
}
