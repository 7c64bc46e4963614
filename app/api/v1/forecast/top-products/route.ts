import { apiRoute } from '@/lib/api/handler';
import { topProductsQuerySchema } from '@/lib/schemas/forecast';
import { getTopProducts } from '@/lib/forecast/service';
import { noProductionModel } from '@/lib/forecast/api';

export const dynamic = 'force-dynamic';

/** `GET /api/v1/forecast/top-products?time_period=week|month|quarter&category=&limit=`: items by forecast growth. */
export const GET = apiRoute({ permission: 'dashboards.read', query: topProductsQuerySchema }, async (ctx, { query }) => {
  const top = await getTopProducts(ctx.tenantId, query);
  if (!top) throw noProductionModel();
  return { ...top };
});
