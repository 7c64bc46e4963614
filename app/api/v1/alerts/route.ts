export { listAlertsRoute as GET } from '@/lib/api/routes/alerts';

export const dynamic = 'force-dynamic';
