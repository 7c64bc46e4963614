import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { currentPrincipal } from '@/lib/auth/context';
import { SignInForm } from './signin-form';

export const metadata: Metadata = { title: 'Sign in' };

function safeCallback(raw: string | string[] | undefined): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  // Only same-site paths: never an absolute or protocol-relative URL (open redirect).
  return value && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : '/';
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallback(params.callbackUrl);
  const principal = await currentPrincipal();
  if (principal) redirect(principal.kind === 'platform' ? '/platform/tenants' : callbackUrl);
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
