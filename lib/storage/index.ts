import { FileStorage } from './fs-storage';
import type { Storage } from './types';

export type { Storage, UpdateOptions } from './types';
export { MissingFolderError } from './lock';
export { tenantPath, platformPath, tenantRoots, assertTenantId, isValidTenantId } from './paths';
export type { TenantArea } from './paths';

let instance: Storage | undefined;

/** The process-wide storage backend (files today; the interface allows a database later). */
export function storage(): Storage {
  instance ??= new FileStorage();
  return instance;
}
