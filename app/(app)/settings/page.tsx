import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/guards';
import { ROLE_LABEL, PERMISSION_NAMES, can } from '@/lib/auth/permissions';
import { settings } from '@/lib/config';
import { ActionForm } from '@/components/action-form';
import { changePasswordAction, updateRegionalAction, updateRetrainingAction } from './actions';
import { formatterFor } from '@/lib/format';
import { getRetrainingSettings, nextRunAt } from '@/lib/retraining-settings';
import { TIERS_TABLE } from '@/lib/tiers';

export const metadata: Metadata = { title: 'Settings' };

/** Locales offered first; any other BCP 47 tag may be typed. */
const COMMON_LOCALES = ['en-US', 'en-GB', 'en-IE', 'en-CA', 'en-AU', 'en-IN', 'de-DE', 'de-CH', 'fr-FR', 'es-ES', 'es-MX', 'it-IT', 'nl-NL', 'pt-BR', 'pl-PL', 'sv-SE', 'ru-RU', 'tr-TR', 'ja-JP', 'zh-CN'];

function supported(kind: 'currency' | 'timeZone'): string[] {
  try {
    return Intl.supportedValuesOf(kind);
  } catch {
    return kind === 'currency' ? ['EUR', 'GBP', 'RUB', 'USD'] : ['UTC'];
  }
}

export default async function SettingsPage() {
  const ctx = await requirePage('dashboards.read', '/settings');
  const granted = PERMISSION_NAMES.filter((p) => can(ctx.role, p));
  const retraining = await getRetrainingSettings(ctx.tenantId);
  const allowed = TIERS_TABLE[ctx.tenant.tier].schedules;
  const next = nextRunAt(retraining);
  const canSchedule = can(ctx.role, 'schedules.manage');
  const canRegional = can(ctx.role, 'settings.manage');
  const regional = ctx.tenant.regional;
  const fmt = formatterFor(regional);
  const currencyNames = new Intl.DisplayNames(['en'], { type: 'currency' });
  const zones = ['UTC', ...supported('timeZone').filter((z) => z !== 'UTC')];
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
      <section className="card" aria-labelledby="regional" data-testid="regional">
        <h2 id="regional">Currency, number and date formats</h2>
        <p className="muted">
          How figures read on every page, in CSV headers and in the PDF reports. Now: <strong data-testid="regional-sample">{fmt.money(3437942)} · {fmt.compact(3437942)} · {fmt.percent(0.682)} · {fmt.day('2012-10-26')} · {fmt.dateTime(new Date().toISOString())}</strong>.
        </p>
        {canRegional ? (
          <ActionForm action={updateRegionalAction} submitLabel="Save formats" className="form-grid" testId="regional-form">
            <label>
              Currency (ISO 4217)
              <select name="currency" defaultValue={regional.currency}>
                {supported('currency').map((c) => (
                  <option key={c} value={c}>
                    {c} · {currencyNames.of(c) ?? c}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Number and date locale (BCP 47)
              <input name="locale" list="locales" defaultValue={regional.locale} required maxLength={35} autoComplete="off" />
              <datalist id="locales">
                {COMMON_LOCALES.map((l) => (
                  <option key={l} value={l} />
                ))}
              </datalist>
            </label>
            <label>
              Time zone (IANA)
              <select name="timeZone" defaultValue={regional.timeZone}>
                {(zones.includes(regional.timeZone) ? zones : [regional.timeZone, ...zones]).map((z) => (
                  <option key={z}>{z}</option>
                ))}
              </select>
            </label>
          </ActionForm>
        ) : (
          <p>
            Currency <strong>{regional.currency}</strong>, locale <strong>{regional.locale}</strong>, time zone <strong>{regional.timeZone}</strong>. Admins change them.
          </p>
        )}
      </section>
      <section className="card" aria-labelledby="retraining">
        <h2 id="retraining">Auto-retraining</h2>
        <p className="muted">
          A cycle retrains, compares the new model with the one in production on the newest days the production model was not trained on (it waits until a whole 30-day hold-out of them has arrived), and promotes it only when it is better by the margin and no
          store or category with 5% or more of sales gets worse by more than the tolerance; otherwise it stays in staging with the reason.
          {retraining.lastRunAt ? ` Last cycle: ${fmt.dateTime(retraining.lastRunAt)}.` : ' No cycle has run yet.'}
          {next ? ` Next scheduled: ${fmt.dateTime(next.toISOString())}.` : ''}
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
