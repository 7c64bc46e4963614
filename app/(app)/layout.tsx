import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { currentPrincipal } from '@/lib/auth/context';
import { signInAndReturn } from '@/lib/auth/guards';
import { can, ROLE_LABEL } from '@/lib/auth/permissions';
import { NAV_ITEMS } from '@/lib/nav';
import { NavLink } from '@/components/nav-link';
import { AppShell } from '@/components/app-shell';
import { tierHas } from '@/lib/tiers';

/**
 * The tenant app's shell: branding, navigation filtered by role, user menu. It is not a security
 * boundary: every page, action and route checks the session and permission itself.
 */
export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const principal = await currentPrincipal();
  if (!principal) return signInAndReturn();
  if (principal.kind !== 'user') redirect('/platform/tenants');
  const { tenant, role } = principal;
  const theme = (await cookies()).get('theme')?.value === 'dark' ? 'dark' : 'light';
  const whiteLabel = tierHas(tenant.tier, 'whiteLabel');
  const brandStyle = whiteLabel ? ({ '--brand': tenant.branding.primaryColor, '--accent': tenant.branding.accentColor } as React.CSSProperties) : undefined;
  const items = NAV_ITEMS.filter((i) => can(role, i.permission));
  const sections = [...new Set(items.map((i) => i.section))];
  const brand = (
    <a className="brand" href="/">
      {whiteLabel && tenant.branding.logoType ? (
        <img src={`/api/branding/logo?v=${tenant.branding.logoVersion}`} alt={`${tenant.branding.displayName} logo`} />
      ) : (
        <span className="brand-mark" aria-hidden="true" />
      )}
      <span>{tenant.branding.displayName}</span>
    </a>
  );
  const nav = (
    <nav>
      {sections.map((section) => (
        <div key={section}>
          <div className="nav-section">{section}</div>
          <ul className="nav">
            {items
              .filter((i) => i.section === section)
              .map((i) => (
                <li key={i.href}>
                  <NavLink href={i.href}>{i.label}</NavLink>
                </li>
              ))}
          </ul>
        </div>
      ))}
    </nav>
  );
  return (
    <AppShell brand={brand} nav={nav} userName={principal.name} roleLabel={ROLE_LABEL[role]} badges={<span className="badge">{tenant.tier}</span>} theme={theme} style={brandStyle}>
      {children}
    </AppShell>
  );
}
