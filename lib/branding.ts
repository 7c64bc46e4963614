import { AppError } from './errors';
import { storage, tenantPath } from './storage';
import { LOGO_MAX_BYTES, LOGO_TYPES } from './schemas/admin';

type LogoType = keyof typeof LOGO_TYPES;

/** Checks the bytes, not just the declared type: the file must start with its format's signature. */
export async function storeLogo(tenantId: string, bytes: Uint8Array, declaredType: string): Promise<LogoType> {
  if (bytes.length > LOGO_MAX_BYTES) throw new AppError('payload_too_large', `The logo must be at most ${LOGO_MAX_BYTES / 1024} KB.`, { field: 'logo' });
  if (!(declaredType in LOGO_TYPES)) throw new AppError('bad_request', 'The logo must be a PNG, JPEG or WebP image.', { field: 'logo' });
  const type = declaredType as LogoType;
  const signature = LOGO_TYPES[type];
  const matches = signature.every((b, i) => bytes[i] === b) && (type !== 'image/webp' || String.fromCharCode(...bytes.slice(8, 12)) === 'WEBP');
  if (!matches) throw new AppError('bad_request', `The file is not a real ${type.slice(6).toUpperCase()} image.`, { field: 'logo' });
  await storage().writeBlob(tenantPath(tenantId, 'tenants', 'logo.bin'), bytes);
  return type;
}

export async function readLogo(tenantId: string): Promise<Buffer | undefined> {
  return storage().readBlob(tenantPath(tenantId, 'tenants', 'logo.bin'));
}
