import { z } from 'zod';
import { ROLES } from '../auth/permissions';
import { passwordProblem, type PasswordContext } from '../auth/password-policy';
import { DEFAULT_REGIONAL } from '../format';

export const TIERS = ['starter', 'pro', 'enterprise'] as const;
export const tierSchema = z.enum(TIERS);
export type Tier = z.infer<typeof tierSchema>;

/**
 * A tenant id, as the source of both the server's check and the form's `pattern` attribute.
 * Browsers compile `pattern` with the `v` flag, where a `-` inside a class must be escaped
 * (`[a-z0-9-]` is a syntax error there, and the browser then skips its check): `\-` is valid
 * in every flag mode.
 */
export const TENANT_ID_PATTERN = '[a-z0-9](?:[a-z0-9\\-]{0,38}[a-z0-9])?';
export const TENANT_ID_RULE = 'Use 1-40 lower-case letters, digits or dashes, not starting or ending with a dash';

export const tenantIdSchema = z
  .string()
  .trim()
  .regex(new RegExp(`^${TENANT_ID_PATTERN}$`), TENANT_ID_RULE);

const hexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'Use a colour like #1f6feb');

export const brandingSchema = z.object({
  displayName: z.string().trim().min(1, 'Name is required').max(80),
  primaryColor: hexColor,
  accentColor: hexColor,
  /** Content type of the uploaded logo, when there is one. */
  logoType: z.enum(['image/png', 'image/jpeg', 'image/webp']).nullable(),
  logoVersion: z.number().int().nonnegative(),
});
export type Branding = z.infer<typeof brandingSchema>;

const supported = (kind: 'currency' | 'timeZone') => {
  try {
    return new Set(Intl.supportedValuesOf(kind));
  } catch {
    return null;
  }
};
const CURRENCIES = supported('currency');
const TIME_ZONES = supported('timeZone');

/** A BCP 47 tag the runtime formats numbers and dates in (en-US, de-DE, ru-RU), in its canonical spelling. */
export const localeTagSchema = z
  .string()
  .trim()
  .min(2, 'Use a language tag such as en-US')
  .max(35)
  .transform((tag, ctx) => {
    try {
      const [canonical] = Intl.getCanonicalLocales(tag);
      if (canonical && Intl.NumberFormat.supportedLocalesOf([canonical]).length > 0) return canonical;
    } catch {
      // not a well-formed tag: reported below
    }
    ctx.addIssue({ code: 'custom', message: `"${tag}" is not a language tag this server formats (try en-US, en-GB, de-DE, fr-FR, ru-RU)` });
    return z.NEVER;
  });

/** An ISO 4217 currency code the runtime knows (USD, EUR, RUB). */
export const currencyCodeSchema = z
  .string()
  .trim()
  .transform((c) => c.toUpperCase())
  .refine((c) => /^[A-Z]{3}$/.test(c) && (CURRENCIES === null || CURRENCIES.has(c)), { message: 'Use an ISO 4217 currency code such as USD, EUR or RUB' });

/** An IANA time zone (Europe/Berlin, America/New_York, UTC). */
export const timeZoneSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine(
    (zone) => {
      if (zone === 'UTC' || TIME_ZONES?.has(zone)) return true;
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    },
    { message: 'Use an IANA time zone such as Europe/Berlin, America/New_York or UTC' },
  );

/** How the tenant's figures read (lib/format.ts): currency, number and date locale, time zone. */
export const regionalSchema = z.object({
  currency: currencyCodeSchema,
  locale: localeTagSchema,
  timeZone: timeZoneSchema,
});
export type Regional = z.infer<typeof regionalSchema>;

export const quotaSchema = z.object({
  apiCallsPerMonth: z.number().int().positive(),
  storageBytes: z.number().int().positive(),
  models: z.number().int().positive(),
  trainingJobsPerDay: z.number().int().positive(),
  rateLimitPerMinute: z.number().int().positive(),
});
export type Quotas = z.infer<typeof quotaSchema>;

export const tenantSchema = z.object({
  id: tenantIdSchema,
  name: z.string().trim().min(1).max(80),
  tier: tierSchema,
  status: z.enum(['active', 'suspended']),
  createdAt: z.string(),
  updatedAt: z.string(),
  branding: brandingSchema,
  /** Overrides of the tier's quotas, set by a platform admin. */
  quotaOverrides: quotaSchema.partial().default({}),
  /** Records from before regional settings existed read as US dollars, en-US and UTC. */
  regional: regionalSchema.default({ ...DEFAULT_REGIONAL }),
});
export type Tenant = z.infer<typeof tenantSchema>;

export const roleSchema = z.enum(ROLES);

export const emailSchema = z.string().trim().toLowerCase().email('Enter a valid email address').max(200);

/**
 * A new password, by the one policy (lib/auth/password-policy.ts) without knowing whose it is;
 * the schemas that also have the email or organisation check those too (`passwordContextIssue`),
 * and lib/users.ts checks again with everything it knows before storing.
 */
export const passwordSchema = z.string().superRefine((password, ctx) => {
  const problem = passwordProblem(password);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** What the policy refuses in a password once its email and organisation are known, beyond what passwordSchema says. */
export function passwordContextIssue(password: string, context: PasswordContext): string | undefined {
  // The context-free refusal is already reported by passwordSchema: say one thing once.
  return passwordProblem(password) ? undefined : passwordProblem(password, context);
}

export const userSchema = z.object({
  id: z.string().regex(/^u_[a-z0-9]{16}$/),
  email: emailSchema,
  name: z.string().trim().min(1).max(100),
  role: roleSchema,
  /** `hmac-sha256:$2b$…` (current), or a bare bcrypt hash of the former scheme, replaced on the next sign-in (lib/auth/password-hash.ts). */
  passwordHash: z.string(),
  active: z.boolean(),
  createdAt: z.string(),
  failedAttempts: z.number().int().nonnegative().default(0),
  lockedUntil: z.string().nullable().default(null),
  lastSignInAt: z.string().nullable().default(null),
  /**
   * The generation of this account's sessions: a session token carries the value it was issued
   * with and is void once they differ. Sign-out, a password change, deactivation and a role
   * change increase it, which ends every older session at once (ASVS 4.0 V3.3.1, V3.3.3).
   */
  sessionVersion: z.number().int().nonnegative().default(0),
});
export type UserRecord = z.infer<typeof userSchema>;
export const usersFileSchema = z.object({ users: z.array(userSchema) });

export const platformAdminSchema = userSchema.omit({ role: true });
export type PlatformAdminRecord = z.infer<typeof platformAdminSchema>;
export const platformAdminsFileSchema = z.object({ admins: z.array(platformAdminSchema) });

export const apiKeySchema = z.object({
  id: z.string().regex(/^k_[a-z0-9]{12}$/),
  name: z.string().trim().min(1).max(80),
  role: roleSchema,
  /** sha256 of the secret; the secret itself is shown once and never stored. */
  hash: z.string().regex(/^[a-f0-9]{64}$/),
  prefix: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  lastUsedAt: z.string().nullable().default(null),
  revokedAt: z.string().nullable().default(null),
});
export type ApiKeyRecord = z.infer<typeof apiKeySchema>;
export const apiKeysFileSchema = z.object({ keys: z.array(apiKeySchema) });
