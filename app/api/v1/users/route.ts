export { listUsersRoute as GET } from '@/lib/api/routes/users';

export const dynamic = 'force-dynamic';
