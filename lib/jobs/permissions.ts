import type { Permission } from '../auth/permissions';
import type { JobKind } from '../schemas/jobs';

/** The permission that starts (and so may cancel) each kind of job. */
export const JOB_PERMISSION: Record<JobKind, Permission> = {
  ingest: 'data.import',
  train: 'models.train',
  retrain: 'models.train',
};
