import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/guards';
import { ROLE_LABEL, PERMISSION_NAMES, can } from '@/lib/auth/permissions';
import { settings } from '@/lib/config';
import { ActionForm } from '@/components/action-form';
import { changePasswordAction, updateRetrainingAction } from './actions';
import { getRetrainingSettings, nextRunAt } from '@/lib/retraining-settings';
import { TIERS_TABLE } from '@/lib/tiers';

export const metadata: Metadata = { title: 'Settings' };

export default async function SettingsPage() {
  const ctx = await requirePage('dashboards.read', '/settings');
  const granted = PERMISSION_NAMES.filter((p) => can(ctx.role, p));
  const retraining = await getRetrainingSettings(ctx.tenantId);
  const allowed = TIERS_TABLE[ctx.tenant.tier].schedules;
  const next = nextRunAt(retraining);
  const canSchedule = can(ctx.role, 'schedules.manage');
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
      <section className="card" aria-labelledby="retraining">
        <h2 id="retraining">Auto-retraining</h2>
        <p className="muted">
          A cycle retrains, compares the new model with the one in production on the newest days the production model was not trained on (it waits until a whole 30-day hold-out of them has arrived), and promotes it only when it is better by the margin and no
          store or category with 5% or more of sales gets worse by more than the tolerance; otherwise it stays in staging with the reason.
          {retraining.lastRunAt ? ` Last cycle: ${retraining.lastRunAt.slice(0, 16).replace('T', ' ')} UTC.` : ' No cycle has run yet.'}
          {next ? ` Next scheduled: ${next.toISOString().slice(0, 16).replace('T', ' ')} UTC.` : ''}
        </p>
        {canSchedule ? (
          <ActionForm action={updateRetrainingAction} submitLabel="Save" className="form-grid" testId="retraining-form">
            <label>
              Schedule (your plan allows: {allowed.join(', ')})
              <select name="schedule" defaultValue={retraining.schedule}>
                <option value="off">off</option>
                {(['daily', 'weekly', 'monthly'] as const).map((s) => (
                  <option key={s} value={s} disabled={!allowed.includes(s)}>
                    {s}
                  </option>
                ))}
              </select>
            </label>
            <label style={{ flexDirection: 'row', alignItems: 'center', gap: '0.4rem' }}>
              <input type="checkbox" name="onDecay" defaultChecked={retraining.onDecay} /> Also when accuracy decays
            </label>
            <label style={{ flexDirection: 'row', alignItems: 'center', gap: '0.4rem' }}>
              <input type="checkbox" name="onDrift" defaultChecked={retraining.onDrift} /> Also when the data drifts
            </label>
            <label style={{ flexDirection: 'row', alignItems: 'center', gap: '0.4rem' }}>
              <input type="checkbox" name="tune" defaultChecked={retraining.tune} /> Tune hyper-parameters (slower)
            </label>
            <label>
              Margin to promote (% better WAPE)
              <input name="margin" type="number" step="0.1" min="0" max="50" defaultValue={(retraining.margin * 100).toFixed(1)} />
            </label>
            <label>
              Tolerance on large segments (% worse WAPE)
              <input name="segmentTolerance" type="number" step="0.1" min="0" max="50" defaultValue={(retraining.segmentTolerance * 100).toFixed(1)} />
            </label>
            <label>
              Decay alert (% worse than validation)
              <input name="decayTolerance" type="number" step="0.1" min="0" max="100" defaultValue={(retraining.decayTolerance * 100).toFixed(1)} />
            </label>
          </ActionForm>
        ) : (
          <p>
            Schedule: <strong>{retraining.schedule}</strong>; on decay: {retraining.onDecay ? 'yes' : 'no'}; on drift: {retraining.onDrift ? 'yes' : 'no'}. Managers and admins change it.
          </p>
        )}
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
