/**
 * Browser libraries the app serves itself (app/vendor/[file]/route.ts) rather than through the
 * bundler: one long-cached, pre-compressed file per version, whose download the page starts with
 * its HTML (components/plot.tsx preloads it) instead of after hydration.
 * Keep PLOTLY_VERSION equal to the installed plotly.js-dist-min (a unit test checks it).
 */
export const PLOTLY_VERSION = '4.1.2';
export const PLOTLY_FILE = `plotly-${PLOTLY_VERSION}.min.js`;
export const PLOTLY_SRC = `/vendor/${PLOTLY_FILE}`;
