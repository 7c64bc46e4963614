import 'server-only';
import { getServerSession } from 'next-auth/next';
import { headers } from 'next/headers';
import { authOptions } from './options';
import { listPlatformAdmins, listUsers } from '../users';
import { findTenant } from '../tenants';
import type { Role } from './permissions';
import type { Tenant } from '../schemas/tenant';
import type { AuditActor } from '../audit';
import { CLIENT_ADDRESS_HEADER } from '../http/client-address';

/** Who is calling, resolved fresh from storage on every request (a role change or suspension applies at once). */
export type Principal =
  | { kind: 'user'; userId: string; email: string; name: string; tenantId: string; role: Role; tenant: Tenant }
  | { kind: 'platform'; userId: string; email: string; name: string };

/** The client's address as the production server resolved it from the connection (never a forwarding header the client wrote). */
export async function requestIp(): Promise<string> {
  return (await headers()).get(CLIENT_ADDRESS_HEADER) ?? '';
}

/** What the session callback of lib/auth/options.ts puts in a session. */
interface SessionClaims {
  userId?: string;
  tenantId?: string | null;
  kind?: string;
  sessionVersion?: number;
}

/**
 * The signed-in principal, or null when there is no valid session (expired, ended by sign-out or a
 * password or role change, deactivated, suspended).
 */
export async function currentPrincipal(): Promise<Principal | null> {
  const session = (await getServerSession(authOptions())) as SessionClaims | null;
  if (!session?.userId) return null;
  if (session.kind === 'platform') {
    const admin = (await listPlatformAdmins()).find((a) => a.id === session.userId);
    if (!admin || !admin.active || admin.sessionVersion !== session.sessionVersion) return null;
    return { kind: 'platform', userId: admin.id, email: admin.email, name: admin.name };
  }
  if (!session.tenantId) return null;
  const tenant = await findTenant(session.tenantId);
  if (!tenant || tenant.status !== 'active') return null;
  const user = (await listUsers(tenant.id)).find((u) => u.id === session.userId);
  if (!user || !user.active || user.sessionVersion !== session.sessionVersion) return null;
  return { kind: 'user', userId: user.id, email: user.email, name: user.name, tenantId: tenant.id, role: user.role, tenant };
}

export function actorOf(p: Principal): AuditActor {
  return { type: p.kind === 'platform' ? 'platform' : 'user', id: p.userId, label: p.email };
}
