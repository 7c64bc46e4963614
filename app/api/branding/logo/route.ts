import { NextResponse } from 'next/server';
import { currentPrincipal } from '@/lib/auth/context';
import { readLogo } from '@/lib/branding';

export const dynamic = 'force-dynamic';

/** The signed-in user's own tenant logo (the tenant comes from the session, never from the URL). */
export async function GET() {
  const p = await currentPrincipal();
  if (!p || p.kind !== 'user') return NextResponse.json({ error: { code: 'unauthorized', message: 'Sign in first.', details: {} } }, { status: 401 });
  const type = p.tenant.branding.logoType;
  const bytes = type ? await readLogo(p.tenantId) : undefined;
  if (!type || !bytes) return NextResponse.json({ error: { code: 'not_found', message: 'No logo uploaded.', details: {} } }, { status: 404 });
  return new NextResponse(new Uint8Array(bytes), {
    headers: { 'Content-Type': type, 'Cache-Control': 'private, max-age=86400', 'Content-Security-Policy': "default-src 'none'" },
  });
}
