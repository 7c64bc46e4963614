/**
 * Permissions as data (docs/security.md). One list of names, and the roles holding each.
 * `can(role, permission)` (what to show) and, on the server, `authorize(principal, permission)` and
 * `requirePermission(ctx, permission)` in lib/auth/authorize.ts (what to allow, audited) are the
 * only checks. No server imports here: client components read the matrix too.
 */
export const ROLES = ['viewer', 'analyst', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = {
  'dashboards.read': ['viewer', 'analyst', 'manager', 'admin'],
  'models.read': ['viewer', 'analyst', 'manager', 'admin'],
  'data.read': ['viewer', 'analyst', 'manager', 'admin'],
  'alerts.read': ['viewer', 'analyst', 'manager', 'admin'],
  'explain.run': ['analyst', 'manager', 'admin'],
  'whatif.run': ['analyst', 'manager', 'admin'],
  'exports.download': ['analyst', 'manager', 'admin'],
  'audit.read': ['analyst', 'manager', 'admin'],
  'assistant.use': ['analyst', 'manager', 'admin'],
  'data.import': ['manager', 'admin'],
  'models.train': ['manager', 'admin'],
  'models.promote': ['manager', 'admin'],
  'models.rollback': ['manager', 'admin'],
  'schedules.manage': ['manager', 'admin'],
  'recommendations.act': ['manager', 'admin'],
  'reports.download': ['manager', 'admin'],
  'alerts.acknowledge': ['manager', 'admin'],
  'events.write': ['manager', 'admin'],
  'users.manage': ['admin'],
  'apikeys.manage': ['admin'],
  'settings.manage': ['admin'],
  'branding.manage': ['admin'],
  'usage.read': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;
export const PERMISSION_NAMES = Object.keys(PERMISSIONS) as Permission[];

/** Platform-level permissions belong to platform admins only (no tenant role grants them). */
export const PLATFORM_PERMISSIONS = ['tenants.manage', 'platform.usage.read'] as const;
export type PlatformPermission = (typeof PLATFORM_PERMISSIONS)[number];

export function can(role: Role | null | undefined, permission: Permission): boolean {
  if (!role) return false;
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export const ROLE_LABEL: Record<Role, string> = {
  viewer: 'Viewer',
  analyst: 'Analyst',
  manager: 'Manager',
  admin: 'Admin',
};
