import { AppError } from './errors';
import { storage, tenantPath } from './storage';
import { checkImage } from './image-check';
import { LOGO_MAX_BYTES, LOGO_TYPES } from './schemas/admin';

type LogoType = keyof typeof LOGO_TYPES;

/**
 * Stores a tenant's logo after checking the bytes, not just the declared type: the file must
 * start with its format's signature and really decode (lib/image-check.ts), so a damaged image
 * is refused here with a field error and nothing is written.
 * @throws AppError payload_too_large over LOGO_MAX_BYTES; bad_request for another type, a file of
 *   another format or a damaged file (details.field = 'logo').
 */
export async function storeLogo(tenantId: string, bytes: Uint8Array, declaredType: string): Promise<LogoType> {
  if (bytes.length > LOGO_MAX_BYTES) throw new AppError('payload_too_large', `The logo must be at most ${LOGO_MAX_BYTES / 1024} KB.`, { field: 'logo' });
  if (!(declaredType in LOGO_TYPES)) throw new AppError('bad_request', 'The logo must be a PNG, JPEG or WebP image.', { field: 'logo' });
  const type = declaredType as LogoType;
  const signature = LOGO_TYPES[type];
  const matches = signature.every((b, i) => bytes[i] === b) && (type !== 'image/webp' || String.fromCharCode(...bytes.slice(8, 12)) === 'WEBP');
  if (!matches) throw new AppError('bad_request', `The file is not a real ${type.slice(6).toUpperCase()} image.`, { field: 'logo' });
  const check = checkImage(bytes, type);
  if (!check.ok) throw new AppError('bad_request', `The logo file is damaged: ${check.reason}. Export it again and upload the new file.`, { field: 'logo' });
  await storage().writeBlob(tenantPath(tenantId, 'tenants', 'logo.bin'), bytes);
  return type;
}

/** The stored logo's bytes as uploaded; callers that draw it check it first (a logo stored before the checks existed may be damaged). */
export async function readLogo(tenantId: string): Promise<Buffer | undefined> {
  return storage().readBlob(tenantPath(tenantId, 'tenants', 'logo.bin'));
}

/** Why the tenant's stored logo cannot be used (damaged, or missing), or null when it is sound or there is none. */
export async function storedLogoProblem(tenantId: string, type: LogoType | null): Promise<string | null> {
  if (!type) return null;
  const bytes = await readLogo(tenantId);
  if (!bytes) return 'the file is missing';
  const check = checkImage(bytes, type);
  return check.ok ? null : check.reason;
}
