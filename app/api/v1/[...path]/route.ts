import { errorResponse } from '@/lib/api/handler';
import { AppError } from '@/lib/errors';

export const dynamic = 'force-dynamic';

/** Unknown API paths answer in the API's error shape (docs/serving.md) instead of an HTML page. */
function notFound() {
  return errorResponse(new AppError('not_found', 'No such API endpoint.'));
}

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
