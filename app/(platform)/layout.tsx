import { cookies } from 'next/headers';
import { forbidden } from 'next/navigation';
import { currentPrincipal } from '@/lib/auth/context';
import { signInAndReturn } from '@/lib/auth/guards';
import { NavLink } from '@/components/nav-link';
import { AppShell } from '@/components/app-shell';

/** The platform admins' shell. Pages check the principal themselves. */
export default async function PlatformLayout({ children }: { children: React.ReactNode }) {
  const p = await currentPrincipal();
  if (!p) return signInAndReturn('/platform/tenants');
  if (p.kind !== 'platform') forbidden();
  const theme = (await cookies()).get('theme')?.value === 'dark' ? 'dark' : 'light';
  const brand = (
    <a className="brand" href="/platform/tenants">
      <span className="brand-mark" aria-hidden="true" />
      <span>Foresight platform</span>
    </a>
  );
  const nav = (
    <nav>
      <div className="nav-section">Platform</div>
      <ul className="nav">
        <li>
          <NavLink href="/platform/tenants">Tenants</NavLink>
        </li>
      </ul>
    </nav>
  );
  return (
    <AppShell brand={brand} nav={nav} userName={p.name} roleLabel="Platform admin" theme={theme}>
      {children}
    </AppShell>
  );
}
