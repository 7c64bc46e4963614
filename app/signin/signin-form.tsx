'use client';

import { useState } from 'react';
import { signIn } from 'next-auth/react';
import { decodeOrganisationChoice, type OrganisationChoice } from '@/lib/auth/signin-choice';

export function SignInForm({ callbackUrl, expired }: { callbackUrl: string; expired: boolean }) {
  const [error, setError] = useState<string | null>(expired ? 'Your session ended after a period of inactivity. Sign in again.' : null);
  const [pending, setPending] = useState(false);
  // Set when the email and password open several organisations: the second step asks which.
  const [choices, setChoices] = useState<OrganisationChoice[] | null>(null);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setPending(true);
    setError(null);
    const form = new FormData(e.currentTarget);
    const organisation = choices ? String(form.get('organisation') ?? '') : '';
    if (choices && !organisation) {
      setPending(false);
      setError('Choose the organisation to sign in to.');
      return;
    }
    const result = await signIn('credentials', {
      email: String(form.get('email') ?? ''),
      password: String(form.get('password') ?? ''),
      organisation,
      redirect: false,
    });
    if (!result || result.error) {
      setPending(false);
      const offered = decodeOrganisationChoice(result?.error);
      if (offered) {
        setChoices(offered);
        return;
      }
      setChoices(null);
      setError(result?.error && result.error !== 'CredentialsSignin' ? result.error : 'Wrong email or password.');
      return;
    }
    window.location.assign(callbackUrl);
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-describedby={error ? 'signin-error' : undefined}>
      <label>
        Email
        <input name="email" type="email" autoComplete="username" required autoFocus onChange={() => setChoices(null)} />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" required onChange={() => setChoices(null)} />
      </label>
      {choices && (
        <fieldset data-testid="organisation-choice">
          <legend>You belong to several organisations with this password. Which one?</legend>
          {choices.map((c) => (
            <label key={c.id} style={{ flexDirection: 'row', alignItems: 'center', gap: '0.4rem' }}>
              <input type="radio" name="organisation" value={c.id} required /> {c.name}
            </label>
          ))}
        </fieldset>
      )}
      {error && (
        <div id="signin-error" role="alert" className="alert error">
          {error}
        </div>
      )}
      <button type="submit" disabled={pending}>
        {pending ? 'Signing in…' : choices ? 'Continue' : 'Sign in'}
      </button>
    </form>
  );
}
