export { revokeApiKeyRoute as DELETE } from '@/lib/api/routes/apikeys';

export const dynamic = 'force-dynamic';
