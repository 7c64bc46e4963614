export { cancelJobRoute as POST } from '@/lib/api/routes/jobs';

export const dynamic = 'force-dynamic';
