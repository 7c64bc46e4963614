export { listModelsRoute as GET } from '@/lib/api/routes/models';

export const dynamic = 'force-dynamic';
