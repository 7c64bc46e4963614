import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/guards';
import { ROLE_LABEL, PERMISSION_NAMES, can } from '@/lib/auth/permissions';
import { settings } from '@/lib/config';
import { ActionForm } from '@/components/action-form';
import { changePasswordAction } from './actions';

export const metadata: Metadata = { title: 'Settings' };

export default async function SettingsPage() {
  const ctx = await requirePage('dashboards.read', '/settings');
  const granted = PERMISSION_NAMES.filter((p) => can(ctx.role, p));
  return (
    <>
      <h1>Settings</h1>
      <section className="card">
        <h2>Your account</h2>
        <p>
          Signed in as <strong>{ctx.actor.label}</strong>, {ROLE_LABEL[ctx.role]} of {ctx.tenant.branding.displayName}. Sessions end after{' '}
          {settings.sessionIdleMinutes()} idle minutes.
        </p>
        <details>
          <summary>What your role allows ({granted.length} permissions)</summary>
          <ul>
            {granted.map((p) => (
              <li key={p}>
                <code>{p}</code>
              </li>
            ))}
          </ul>
        </details>
      </section>
      <section className="card">
        <h2>Change your password</h2>
        <ActionForm action={changePasswordAction} submitLabel="Change password" className="form-grid">
          <label>
            Current password
            <input name="current" type="password" autoComplete="current-password" required />
          </label>
          <label>
            New password
            <input name="next" type="password" autoComplete="new-password" required minLength={12} />
          </label>
          <label>
            New password again
            <input name="confirm" type="password" autoComplete="new-password" required minLength={12} />
          </label>
        </ActionForm>
      </section>
    </>
  );
}
