'use client';

import { useState } from 'react';
import { signIn } from 'next-auth/react';

export function SignInForm({ callbackUrl, expired }: { callbackUrl: string; expired: boolean }) {
  const [error, setError] = useState<string | null>(expired ? 'Your session ended after a period of inactivity. Sign in again.' : null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setPending(true);
    setError(null);
    const form = new FormData(e.currentTarget);
    const result = await signIn('credentials', {
      email: String(form.get('email') ?? ''),
      password: String(form.get('password') ?? ''),
      redirect: false,
    });
    if (!result || result.error) {
      setPending(false);
      setError(result?.error && result.error !== 'CredentialsSignin' ? result.error : 'Wrong email or password.');
      return;
    }
    window.location.assign(callbackUrl);
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-describedby={error ? 'signin-error' : undefined}>
      <label>
        Email
        <input name="email" type="email" autoComplete="username" required autoFocus />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      {error && (
        <div id="signin-error" role="alert" className="alert error">
          {error}
        </div>
      )}
      <button type="submit" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
