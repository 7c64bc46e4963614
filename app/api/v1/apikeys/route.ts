export { listApiKeysRoute as GET, createApiKeyRoute as POST } from '@/lib/api/routes/apikeys';

export const dynamic = 'force-dynamic';
