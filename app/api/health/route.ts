import { NextResponse } from 'next/server';

export const dynamic = 'force-dynamic';

/** Liveness probe: no auth, no tenant data. */
export function GET() {
  return NextResponse.json({ status: 'ok' });
}
