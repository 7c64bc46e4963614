import type { NextConfig } from 'next';
import { NON_PAGE_CSP, pageSecurityHeaders } from './lib/http/security-headers';
import { MAX_BATCH_BYTES } from './lib/schemas/forecast';

/**
 * Next.js reads the body of every request that passes proxy.ts (session requests) into memory
 * before the route runs, and cuts it at this size. It must stay above every route's own limit (the
 * largest: predict/batch's MAX_BATCH_BYTES) and above the server actions' `bodySizeLimit`, so that a
 * body over a limit always reaches its route whole past that limit and gets the route's 413, never
 * a cut body that fails as invalid JSON or form data. Uploads (`POST /api/v1/datasets`) skip the
 * proxy and stream to disk (FORESIGHT_UPLOAD_MAX_MB).
 */
const PROXY_BODY_BYTES = MAX_BATCH_BYTES + 2 * 1024 * 1024;
/**
 * Server action bodies carry a logo (256 KB) or a holiday file (1 MB) at most; up to this size the
 * action's own check refuses a larger file with its message, beyond it Next.js answers 413.
 */
const SERVER_ACTION_BODY = '10mb';

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // `npm test` type-checks the whole repository (app, lib, ml, tests, scripts) with tsc; the build
  // does not repeat it, so a start is not blocked twice by the same check.
  typescript: { ignoreBuildErrors: true },
  reactStrictMode: true,
  serverExternalPackages: ['pdfkit', 'bcryptjs'],
  experimental: { serverActions: { bodySizeLimit: SERVER_ACTION_BODY }, proxyClientMaxBodySize: PROXY_BODY_BYTES, authInterrupts: true },
  async headers() {
    // Pages get their Content-Security-Policy (with a per-request nonce) from proxy.ts; what is
    // not a page (API answers, files, vendored scripts, built assets) gets one that allows nothing.
    const nonPage = [{ key: 'Content-Security-Policy', value: NON_PAGE_CSP }];
    return [
      { source: '/:path*', headers: [...pageSecurityHeaders] },
      { source: '/api/:path*', headers: nonPage },
      { source: '/vendor/:path*', headers: nonPage },
      { source: '/_next/:path*', headers: nonPage },
    ];
  },
};

export default nextConfig;
