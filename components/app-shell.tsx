import { ThemeToggle } from './theme-toggle';
import { SignOutButton } from './signout-button';
import { Sidebar } from './sidebar';

/** The page frame shared by the tenant app and the platform console: sidebar, user bar, content. */
export function AppShell({
  brand,
  nav,
  userName,
  roleLabel,
  badges,
  theme,
  style,
  children,
}: {
  brand: React.ReactNode;
  nav: React.ReactNode;
  userName: string;
  roleLabel: string;
  badges?: React.ReactNode;
  theme: 'light' | 'dark';
  style?: React.CSSProperties;
  children: React.ReactNode;
}) {
  return (
    <div className="shell" style={style}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Sidebar brand={brand}>{nav}</Sidebar>
      <div className="main">
        <header className="topbar">
          <div className="who">
            <span data-testid="current-user">{userName}</span>
            <span className="badge" data-testid="current-role">
              {roleLabel}
            </span>
            {badges}
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
