'use client';

import { useActionState } from 'react';
import type { ActionState } from '@/lib/actions';

type Action = (prev: ActionState, form: FormData) => Promise<ActionState>;

/**
 * A form bound to a server action built by `tenantAction` / `platformAction`: shows the outcome,
 * the field errors, and any secret returned once (e.g. a new API key).
 */
export function ActionForm({
  action,
  submitLabel,
  children,
  className,
  danger,
  confirm,
  testId,
}: {
  action: Action;
  submitLabel: string;
  children?: React.ReactNode;
  className?: string;
  danger?: boolean;
  confirm?: string;
  testId?: string;
}) {
  const [state, formAction, pending] = useActionState(action, { ok: false, message: '' });
  return (
    <form
      action={formAction}
      className={className}
      data-testid={testId}
      onSubmit={(e) => {
        if (confirm && !window.confirm(confirm)) e.preventDefault();
      }}
    >
      {children}
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
