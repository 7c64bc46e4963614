import 'server-only';
import type { ZodType } from 'zod';
import { AppError, isAppError, userMessage } from './errors';
import type { Permission } from './auth/permissions';
import { currentPrincipal, requestIp } from './auth/context';
import { authorize, type Authorization, type PlatformContext, type TenantContext } from './auth/authorize';
import { headers } from 'next/headers';
import { crossSiteMessage, crossSiteRefusal } from './http/same-origin';

/**
 * Server actions are POSTs that carry the session cookie: one must come from the app's own pages
 * (Next.js compares Origin and Host too; the production server checked it first).
 */
async function crossSiteAction(): Promise<ActionState | null> {
  const h = await headers();
  const reason = crossSiteRefusal({ method: 'POST', host: h.get('host'), origin: h.get('origin'), secFetchSite: h.get('sec-fetch-site'), referer: h.get('referer') });
  return reason ? { ok: false, message: crossSiteMessage(reason) } : null;
}

/** What every server action returns, shaped for `useActionState`. */
export interface ActionState {
  ok: boolean;
  message: string;
  /** Field name -> messages, for showing next to inputs. */
  errors?: Record<string, string[]>;
  /** Extra data for the client (e.g. a secret shown once). */
  data?: Record<string, string>;
}

export const initialActionState: ActionState = { ok: false, message: '' };

function formToObject(form: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of form.entries()) {
    if (key.startsWith('$ACTION')) continue; // Next.js internals
    out[key] = value;
  }
  return out;
}

function zodFieldErrors(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const issue of issues) {
    const field = issue.path.map(String).join('.') || 'form';
    (errors[field] ??= []).push(issue.message);
  }
  return errors;
}

function failure(e: unknown): ActionState {
  if (isAppError(e)) {
    const field = typeof e.details?.field === 'string' ? e.details.field : undefined;
    return { ok: false, message: e.message || userMessage[e.code], errors: field ? { [field]: [e.message] } : undefined };
  }
  // Let Next.js control-flow errors (redirect, notFound) through.
  if (e instanceof Error && 'digest' in e && typeof (e as { digest?: unknown }).digest === 'string' && /^NEXT_/.test((e as { digest: string }).digest)) throw e;
  console.error('action failed:', e);
  return { ok: false, message: userMessage.internal };
}

/** A refusal as a person reads it on the form (the audit log has the detail). */
function refusalState(r: Extract<Authorization<unknown>, { ok: false }>): ActionState {
  return { ok: false, message: r.refusal === 'signed_out' ? userMessage.unauthorized : userMessage.forbidden };
}

type Body<I, C> = (ctx: C, input: I) => Promise<ActionState | string | void>;

function done(result: ActionState | string | void): ActionState {
  if (typeof result === 'string') return { ok: true, message: result };
  return result ?? { ok: true, message: 'Saved.' };
}

/**
 * The only way to build a tenant server action: session, tenant, permission, zod parse, then the body
 * with a typed context. A refused attempt is audited. (CONVENTIONS: no bare server action.)
 */
export function tenantAction<I>(permission: Permission, schema: ZodType<I>, body: Body<I, TenantContext>) {
  return async (_prev: ActionState, form: FormData): Promise<ActionState> => {
    try {
      const refused = await crossSiteAction();
      if (refused) return refused;
      const r = await authorize(await currentPrincipal(), permission, { ip: await requestIp(), audit: true });
      if (!r.ok) return refusalState(r);
      const parsed = schema.safeParse(formToObject(form));
      if (!parsed.success) return { ok: false, message: 'Please correct the highlighted fields.', errors: zodFieldErrors(parsed.error.issues) };
      return done(await body(r.ctx, parsed.data));
    } catch (e) {
      return failure(e);
    }
  };
}

/** The same wrapper for platform-admin actions (tenants, tiers, quotas). */
export function platformAction<I>(schema: ZodType<I>, body: Body<I, PlatformContext>) {
  return async (_prev: ActionState, form: FormData): Promise<ActionState> => {
    try {
      const refused = await crossSiteAction();
      if (refused) return refused;
      const r = await authorize(await currentPrincipal(), 'tenants.manage', { ip: await requestIp(), audit: true });
      if (!r.ok) return refusalState(r);
      const parsed = schema.safeParse(formToObject(form));
      if (!parsed.success) return { ok: false, message: 'Please correct the highlighted fields.', errors: zodFieldErrors(parsed.error.issues) };
      return done(await body(r.ctx, parsed.data));
    } catch (e) {
      return failure(e);
    }
  };
}

export { AppError };
