import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/guards';
import { listUsers, toUserView } from '@/lib/users';
import { ActionForm } from '@/components/action-form';
import { RoleSelect } from '@/components/role-select';
import { changeRoleAction, createUserAction, setUserActiveAction } from '../actions';

export const metadata: Metadata = { title: 'Users' };

export default async function UsersPage() {
  const ctx = await requirePage('users.manage', '/admin/users');
  const users = (await listUsers(ctx.tenantId)).map(toUserView);
  return (
    <>
      <h1>Users</h1>
      <section className="card">
        <h2>Add a user</h2>
        <ActionForm action={createUserAction} submitLabel="Add user" className="form-grid" testId="create-user">
          <label>
            Email
            <input name="email" type="email" required />
          </label>
          <label>
            Name
            <input name="name" required />
          </label>
          <label>
            Role
            <RoleSelect />
          </label>
          <label>
            Initial password (12 to 128 characters; a few unrelated words work well)
            <input name="password" type="password" autoComplete="new-password" required minLength={12} />
          </label>
        </ActionForm>
      </section>
      <section className="card table-wrap">
        <h2>Everyone in {ctx.tenant.branding.displayName}</h2>
        <table>
          <thead>
            <tr>
              <th>Email</th>
              <th>Name</th>
              <th>Role</th>
              <th>Status</th>
              <th>Last sign-in</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} data-testid={`user-row-${u.email}`}>
                <td>{u.email}</td>
                <td>{u.name}</td>
                <td>
                  <ActionForm action={changeRoleAction} submitLabel="Change" className="inline-form">
                    <input type="hidden" name="userId" value={u.id} />
                    <RoleSelect defaultValue={u.role} ariaLabel={`Role of ${u.email}`} />
                  </ActionForm>
                </td>
                <td>
                  {u.active ? <span className="badge ok">active</span> : <span className="badge danger">deactivated</span>}
                  {u.lockedUntil && new Date(u.lockedUntil) > new Date() && <span className="badge warn">locked</span>}
                </td>
                <td>{u.lastSignInAt ? new Date(u.lastSignInAt).toISOString().slice(0, 16).replace('T', ' ') : 'never'}</td>
                <td>
                  {u.id !== ctx.userId && (
                    <ActionForm action={setUserActiveAction} submitLabel={u.active ? 'Deactivate' : 'Reactivate'} danger={u.active}>
                      <input type="hidden" name="userId" value={u.id} />
                      <input type="hidden" name="active" value={u.active ? 'false' : 'true'} />
                    </ActionForm>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
