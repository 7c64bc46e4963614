export { previewDatasetRoute as POST } from '@/lib/api/routes/datasets';

export const dynamic = 'force-dynamic';
