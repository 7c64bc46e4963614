import { isVendorFile, VENDOR_HEADERS, vendorFile } from '@/lib/http/vendor-files';

/**
 * `GET /vendor/plotly-<version>.min.js` (lib/vendor.ts) when Next.js serves it (`next dev`): the
 * file as is, which Next compresses on the fly. The production server answers it before Next.js,
 * pre-compressed (lib/api/fast-path.ts): Next drops a route's own Content-Encoding.
 */
export async function GET(_req: Request, { params }: { params: Promise<{ file: string }> }): Promise<Response> {
  const { file } = await params;
  if (!isVendorFile(file)) return new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain' } });
  const { raw } = await vendorFile(file);
  return new Response(new Uint8Array(raw), { headers: { ...VENDOR_HEADERS } });
}
