export { acknowledgeAlertRoute as POST } from '@/lib/api/routes/alerts';

export const dynamic = 'force-dynamic';
