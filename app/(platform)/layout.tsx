import { cookies } from 'next/headers';
import { forbidden, redirect } from 'next/navigation';
import { currentPrincipal } from '@/lib/auth/context';
import { NavLink } from '@/components/nav-link';
import { ThemeToggle } from '@/components/theme-toggle';
import { SignOutButton } from '@/components/signout-button';
import { Sidebar } from '@/components/sidebar';

/** The platform admins' shell. Pages check the principal themselves. */
export default async function PlatformLayout({ children }: { children: React.ReactNode }) {
  const p = await currentPrincipal();
  if (!p) redirect('/signin');
  if (p.kind !== 'platform') forbidden();
  const theme = (await cookies()).get('theme')?.value === 'dark' ? 'dark' : 'light';
  return (
    <div className="shell">
      <Sidebar
        brand={
          <a className="brand" href="/platform/tenants">
            <span className="brand-mark" aria-hidden="true" />
            <span>Foresight platform</span>
          </a>
        }
      >
        <nav>
          <div className="nav-section">Platform</div>
          <ul className="nav">
            <li>
              <NavLink href="/platform/tenants">Tenants</NavLink>
            </li>
          </ul>
        </nav>
      </Sidebar>
      <div className="main">
        <header className="topbar">
          <div className="who">
            <span data-testid="current-user">{p.name}</span>
            <span className="badge" data-testid="current-role">
              Platform admin
            </span>
          </div>
          <div style={{ display: 'flex', gap: '0.5rem' }}>
            <ThemeToggle initial={theme} />
            <SignOutButton />
          </div>
        </header>
        <main id="main">{children}</main>
      </div>
    </div>
  );
}
