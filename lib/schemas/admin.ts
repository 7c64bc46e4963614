import { z } from 'zod';
import { emailSchema, passwordContextIssue, passwordSchema, roleSchema, tenantIdSchema, tierSchema } from './tenant';

/** Form schemas of the admin screens (CONVENTIONS: one base schema per domain, picked per use). */
export const createUserSchema = z
  .object({
    email: emailSchema,
    name: z.string().trim().min(1, 'Name is required').max(100),
    role: roleSchema,
    password: passwordSchema,
  })
  .superRefine((v, ctx) => {
    const problem = passwordContextIssue(v.password, { email: v.email });
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['password'] });
  });

export const userIdSchema = z.object({ userId: z.string().regex(/^u_[a-z0-9]{16}$/, 'Unknown user') });
export const changeRoleSchema = userIdSchema.extend({ role: roleSchema });
export const setActiveSchema = userIdSchema.extend({ active: z.enum(['true', 'false']).transform((v) => v === 'true') });

export const createApiKeySchema = z.object({
  name: z.string().trim().min(1, 'Name is required').max(80),
  role: roleSchema,
});
export const revokeApiKeySchema = z.object({ keyId: z.string().regex(/^k_[a-z0-9]{12}$/, 'Unknown key') });

export const LOGO_TYPES = { 'image/png': [0x89, 0x50, 0x4e, 0x47], 'image/jpeg': [0xff, 0xd8, 0xff], 'image/webp': [0x52, 0x49, 0x46, 0x46] } as const;
export const LOGO_MAX_BYTES = 256 * 1024;

export const brandingFormSchema = z.object({
  displayName: z.string().trim().min(1, 'Name is required').max(80),
  primaryColor: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'Use a colour like #1f6feb'),
  accentColor: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'Use a colour like #e36209'),
  logo: z
    .instanceof(File)
    .optional()
    .refine((f) => !f || f.size <= LOGO_MAX_BYTES, `The logo must be at most ${LOGO_MAX_BYTES / 1024} KB`)
    .refine((f) => !f || f.size === 0 || f.type in LOGO_TYPES, 'The logo must be a PNG, JPEG or WebP image'),
  removeLogo: z.enum(['on']).optional(),
});

export const changePasswordSchema = z
  .object({ current: z.string().min(1, 'Enter your current password'), next: passwordSchema, confirm: z.string() })
  .refine((v) => v.next === v.confirm, { message: 'The two new passwords differ', path: ['confirm'] });

export const createTenantSchema = z
  .object({
    id: tenantIdSchema,
    name: z.string().trim().min(1, 'Name is required').max(80),
    tier: tierSchema,
    adminEmail: emailSchema,
    adminName: z.string().trim().min(1).max(100).default('Administrator'),
    adminPassword: passwordSchema,
  })
  .superRefine((v, ctx) => {
    const problem = passwordContextIssue(v.adminPassword, { email: v.adminEmail, organisation: [v.id, v.name] });
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['adminPassword'] });
  });
export const tenantRefSchema = z.object({ tenantId: tenantIdSchema });
export const setTierSchema = tenantRefSchema.extend({ tier: tierSchema });
export const setStatusSchema = tenantRefSchema.extend({ status: z.enum(['active', 'suspended']) });
export const deleteTenantSchema = tenantRefSchema.extend({ confirmId: z.string().trim() }).refine((v) => v.confirmId === v.tenantId, {
  message: 'Type the tenant id to confirm deletion',
  path: ['confirmId'],
});
export const setRateLimitSchema = tenantRefSchema.extend({ rateLimitPerMinute: z.coerce.number().int().min(1).max(1_000_000) });
