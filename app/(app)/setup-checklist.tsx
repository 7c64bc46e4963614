import Link from 'next/link';
import { can, type Permission, type Role } from '@/lib/auth/permissions';

/** Where a tenant stands on its first steps. */
export interface SetupState {
  hasData: boolean;
  hasModel: boolean;
  /** Users of the organisation, the admin who set it up included. */
  users: number;
}

interface Step {
  title: string;
  done: boolean;
  href: string;
  permission: Permission;
}

/** The setup steps in order; each is offered only to the roles that can take it. */
export function setupSteps(state: SetupState): Step[] {
  return [
    { title: 'Import your sales', done: state.hasData, href: '/data', permission: 'data.import' },
    { title: 'Train a first model', done: state.hasModel, href: '/models', permission: 'models.train' },
    { title: 'Invite your team', done: state.users > 1, href: '/admin/users', permission: 'users.manage' },
  ];
}

/**
 * The Overview's setup checklist for a new organisation: import, then train, then invite, each
 * ticked when done and linked to its page, listing only the steps the role can take. Nothing once
 * every step it can take is done; a role that can take none reads `whoCan` instead.
 */
export function SetupChecklist({ role, state }: { role: Role; state: SetupState }) {
  const steps = setupSteps(state).filter((s) => can(role, s.permission));
  if (steps.length === 0 || steps.every((s) => s.done)) return null;
  const next = steps.find((s) => !s.done);
  return (
    <section className="card" aria-labelledby="setup-title" data-testid="setup-checklist">
      <h2 id="setup-title">Get started</h2>
      {!state.hasData && <p className="muted">No data yet. {steps.length === 1 ? 'One step' : `${steps.length} steps`} to your first forecast:</p>}
      <ol className="checklist">
        {steps.map((s, i) => (
          <li key={s.href} data-done={s.done}>
            <span className={`badge ${s.done ? 'ok' : ''}`} aria-hidden="true">
              {s.done ? '✓' : i + 1}
            </span>{' '}
            <span className="visually-hidden">{s.done ? 'Done: ' : 'To do: '}</span>
            {s.done ? s.title : <Link href={s.href}>{s.title}</Link>}
            {!s.done && s === next && <span className="muted"> · next step</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** Who takes a step a role cannot: the one line a viewer or analyst reads instead of a dead link. */
export function whoCan(state: SetupState): string {
  if (!state.hasData) return 'No data yet: a manager or admin imports it on the Data page, then the figures appear here.';
  if (!state.hasModel) return 'No model yet: a manager or admin trains one on the Models page.';
  return '';
}
