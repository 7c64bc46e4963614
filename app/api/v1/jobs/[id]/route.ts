export { getJobRoute as GET } from '@/lib/api/routes/jobs';

export const dynamic = 'force-dynamic';
