export { getMeRoute as GET } from '@/lib/api/routes/me';

export const dynamic = 'force-dynamic';
