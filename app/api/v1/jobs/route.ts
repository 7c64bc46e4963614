export { listJobsRoute as GET } from '@/lib/api/routes/jobs';

export const dynamic = 'force-dynamic';
