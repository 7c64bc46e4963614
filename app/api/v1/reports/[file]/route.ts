export { getReportRoute as GET } from '@/lib/api/routes/reports';

export const dynamic = 'force-dynamic';
