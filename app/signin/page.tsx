import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { currentPrincipal } from '@/lib/auth/context';
import { safeReturnPath } from '@/lib/http/return-path';
import { SignInForm } from './signin-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  // Only a same-origin path survives (lib/http/return-path.ts): never another site, never a 500.
  const callbackUrl = safeReturnPath(params.callbackUrl);
  const principal = await currentPrincipal();
  if (principal) redirect(principal.kind === 'platform' && !callbackUrl.startsWith('/platform') ? '/platform/tenants' : callbackUrl);
  return (
    <main className="centered">
      <div className="card signin">
        <h1>Sign in to Foresight</h1>
        <p className="muted">Sales forecasts and decisions for your stores.</p>
        <SignInForm callbackUrl={callbackUrl} expired={params.expired === '1'} />
      </div>
    </main>
  );
}
