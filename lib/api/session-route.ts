import 'server-only';
import type { NextRequest } from 'next/server';
import { AppError, isAppError } from '../errors';
import { can, type Permission } from '../auth/permissions';
import { actorOf, currentPrincipal, type Principal } from '../auth/context';
import { recordAudit } from '../audit';
import { errorResponse } from './handler';

type UserPrincipal = Extract<Principal, { kind: 'user' }>;

/**
 * For the app's own session-only routes (CSV downloads, the logo): the signed-in tenant user holding
 * every listed permission, else 401/403 in the SPEC 7 error shape. A refusal is audited.
 */
export function sessionRoute(permissions: readonly Permission[], handler: (p: UserPrincipal, req: NextRequest) => Promise<Response>) {
  return async (req: NextRequest): Promise<Response> => {
    try {
      const p = await currentPrincipal();
      if (!p) throw new AppError('unauthorized', 'Sign in first.');
      if (p.kind !== 'user') throw new AppError('forbidden', 'Platform admins have no tenant data.');
      const missing = permissions.find((perm) => !can(p.role, perm));
      if (missing) {
        await recordAudit(p.tenantId, { actor: actorOf(p), action: missing, outcome: 'denied', target: req.nextUrl.pathname });
        throw new AppError('forbidden', `Your role (${p.role}) lacks the permission "${missing}".`);
      }
      return await handler(p, req);
    } catch (e) {
      if (isAppError(e)) return errorResponse(e);
      console.error(`route ${req.nextUrl.pathname} failed:`, e);
      return errorResponse(new AppError('internal', 'Internal error; it has been logged.'));
    }
  };
}
