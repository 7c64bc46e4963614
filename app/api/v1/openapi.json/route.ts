import { NextResponse } from 'next/server';
import { openApiDocument } from '@/lib/api/openapi';

export const dynamic = 'force-static';

/** The OpenAPI 3.1 document of /api/v1 (public: it describes, it does not serve data). */
export function GET() {
  return NextResponse.json(openApiDocument());
}
