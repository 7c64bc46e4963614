export { promoteModelRoute as POST } from '@/lib/api/routes/models';

export const dynamic = 'force-dynamic';
