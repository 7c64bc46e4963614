import { ROLES, ROLE_LABEL, type Role } from '@/lib/auth/permissions';

/** The role picker of user and API-key forms (submits as `role`). */
export function RoleSelect({ defaultValue = 'viewer', ariaLabel }: { defaultValue?: Role; ariaLabel?: string }) {
  return (
    <select name="role" defaultValue={defaultValue} aria-label={ariaLabel}>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {ROLE_LABEL[r]}
        </option>
      ))}
    </select>
  );
}
