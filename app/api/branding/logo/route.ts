import { NextResponse } from 'next/server';
import { readLogo } from '@/lib/branding';
import { AppError } from '@/lib/errors';
import { sessionRoute } from '@/lib/api/session-route';
import { NON_PAGE_CSP } from '@/lib/http/security-headers';

export const dynamic = 'force-dynamic';

/** The signed-in user's own tenant logo (the tenant comes from the session, never from the URL). */
export const GET = sessionRoute(['dashboards.read'], async (ctx) => {
  const type = ctx.tenant.branding.logoType;
  const bytes = type ? await readLogo(ctx.tenantId) : undefined;
  if (!type || !bytes) throw new AppError('not_found', 'No logo uploaded.');
  return new NextResponse(new Uint8Array(bytes), {
    // An uploaded file is never a document: even a PNG/HTML polyglot opened directly can run nothing.
    headers: {
      'Content-Type': type,
      'Content-Disposition': `inline; filename="logo.${type.slice('image/'.length)}"`,
      'Cache-Control': 'private, max-age=86400',
      'Content-Security-Policy': NON_PAGE_CSP,
      'X-Content-Type-Options': 'nosniff',
    },
  });
});
