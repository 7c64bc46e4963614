'use client';

import { startTransition, useActionState, useState } from 'react';
import type { ActionState } from '@/lib/actions';

type Action = (prev: ActionState, form: FormData) => Promise<ActionState>;

/**
 * A form bound to a server action built by `tenantAction` / `platformAction`: shows the outcome,
 * the field errors, and any secret returned once (e.g. a new API key).
 *
 * What the fields show after an action:
 * - refused (a bad field, a rule, an error): exactly what the person typed, so they correct one
 *   field instead of typing everything again. React resets a form after its action, so the form
 *   submits through its own transition instead (without JavaScript it is a plain form post);
 * - done: the stored state. The fields are mounted again from the page's new values: a select
 *   keeps the option it was first drawn with when only its default changes, so after a role
 *   change it showed the old role until a reload.
 * - `revision`, when given, names the stored state the fields show (e.g. the calendar in use):
 *   when it changes for another reason (an import, another tab) the fields follow it too.
 */
export function ActionForm({
  action,
  submitLabel,
  children,
  className,
  danger,
  confirm,
  testId,
  revision,
}: {
  action: Action;
  submitLabel: string;
  children?: React.ReactNode;
  className?: string;
  danger?: boolean;
  confirm?: string;
  testId?: string;
  revision?: string;
}) {
  const [state, formAction, pending] = useActionState(action, { ok: false, message: '' });
  const [seen, setSeen] = useState(state);
  const [saved, setSaved] = useState(0);
  if (seen !== state) {
    setSeen(state);
    if (state.ok) setSaved((n) => n + 1);
  }
  return (
    <form
      action={formAction}
      className={className}
      data-testid={testId}
      onSubmit={(e) => {
        e.preventDefault();
        if (confirm && !window.confirm(confirm)) return;
        const submitter = (e.nativeEvent as SubmitEvent).submitter;
        const data = new FormData(e.currentTarget, submitter instanceof HTMLElement ? submitter : null);
        startTransition(() => formAction(data));
      }}
    >
      <div key={`${revision ?? ''}\u0000${saved}`} style={{ display: 'contents' }}>
        {children}
      </div>
      <div>
        <button type="submit" disabled={pending} className={danger ? 'danger' : undefined}>
          {pending ? 'Working…' : submitLabel}
        </button>
      </div>
      {state.message && (
        <div role={state.ok ? 'status' : 'alert'} className={`alert ${state.ok ? 'success' : 'error'}`} style={{ gridColumn: '1 / -1' }}>
          {state.message}
          {state.errors && (
            <ul>
              {Object.entries(state.errors).map(([field, messages]) => (
                <li key={field}>
                  <strong>{field}</strong>: {messages.join('; ')}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {state.ok && state.data?.secret && (
        <div style={{ gridColumn: '1 / -1' }}>
          <p>Copy this key now. It is shown only once and cannot be recovered:</p>
          <div className="secret" data-testid="new-secret">
            {state.data.secret}
          </div>
        </div>
      )}
    </form>
  );
}
