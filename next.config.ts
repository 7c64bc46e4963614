import type { NextConfig } from 'next';
import { NON_PAGE_CSP, pageSecurityHeaders } from './lib/http/security-headers';

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // `npm test` type-checks the whole repository (app, lib, ml, tests, scripts) with tsc; the build
  // does not repeat it, so a start is not blocked twice by the same check.
  typescript: { ignoreBuildErrors: true },
  reactStrictMode: true,
  serverExternalPackages: ['pdfkit', 'bcryptjs'],
  experimental: { serverActions: { bodySizeLimit: '50mb' }, authInterrupts: true },
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
