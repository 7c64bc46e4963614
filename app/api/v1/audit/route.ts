export { listAuditRecordsRoute as GET } from '@/lib/api/routes/audit';

export const dynamic = 'force-dynamic';
