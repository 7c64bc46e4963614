export { predictRoute as POST } from '@/lib/api/routes/predict';

export const dynamic = 'force-dynamic';
