export { getDatasetRoute as GET, uploadDatasetRoute as POST } from '@/lib/api/routes/datasets';

export const dynamic = 'force-dynamic';
