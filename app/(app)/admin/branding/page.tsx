import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/guards';
import { tierHas } from '@/lib/tiers';
import { LOGO_MAX_BYTES } from '@/lib/schemas/admin';
import { storedLogoProblem } from '@/lib/branding';
import { ActionForm } from '@/components/action-form';
import { updateBrandingAction } from '../actions';

export const metadata: Metadata = { title: 'Branding' };

export default async function BrandingPage() {
  const ctx = await requirePage('branding.manage', '/admin/branding');
  const b = ctx.tenant.branding;
  const whiteLabel = tierHas(ctx.tenant.tier, 'whiteLabel');
  // A logo stored before uploads were decode-checked may be damaged: reports leave it out, and say so here.
  const logoProblem = whiteLabel ? await storedLogoProblem(ctx.tenantId, b.logoType) : null;
  return (
    <>
      <h1>Branding</h1>
      <p className="muted">Your name, logo and colours appear in the app and in PDF reports.</p>
      {!whiteLabel && <div className="alert error">Logo and colours (white-label) are part of the Enterprise plan. You can change the display name.</div>}
      {logoProblem && (
        <div className="alert error" data-testid="logo-problem">
          The current logo cannot be used ({logoProblem}): PDF reports are drawn without it. Upload the logo again.
        </div>
      )}
      <section className="card">
        <ActionForm action={updateBrandingAction} submitLabel="Save branding" className="form-grid" testId="branding-form">
          <label>
            Display name
            <input name="displayName" defaultValue={b.displayName} required maxLength={80} />
          </label>
          <label>
            Main colour
            <input name="primaryColor" type="color" defaultValue={b.primaryColor} disabled={!whiteLabel} />
          </label>
          <label>
            Accent colour
            <input name="accentColor" type="color" defaultValue={b.accentColor} disabled={!whiteLabel} />
          </label>
          {!whiteLabel && (
            <>
              <input type="hidden" name="primaryColor" value={b.primaryColor} />
              <input type="hidden" name="accentColor" value={b.accentColor} />
            </>
          )}
          <label>
            Logo (PNG, JPEG or WebP, at most {LOGO_MAX_BYTES / 1024} KB)
            <input name="logo" type="file" accept="image/png,image/jpeg,image/webp" disabled={!whiteLabel} />
          </label>
          {b.logoType && (
            <label style={{ flexDirection: 'row', alignItems: 'center' }}>
              <input name="removeLogo" type="checkbox" /> Remove the current logo
            </label>
          )}
        </ActionForm>
      </section>
    </>
  );
}
