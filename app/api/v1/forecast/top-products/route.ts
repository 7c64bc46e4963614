export { getTopProductsRoute as GET } from '@/lib/api/routes/forecast';

export const dynamic = 'force-dynamic';
