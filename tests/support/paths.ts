import path from 'node:path';

/**
 * The real Walmart weekly sales (public, CC0; see tests/fixtures/walmart/README.md), kept in the
 * repository so every clone tests against the same bytes.
 */
export const WALMART_CSV = path.resolve(__dirname, '../fixtures/walmart/Walmart.csv');
