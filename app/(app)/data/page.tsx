import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/guards';
import { Planned } from '@/components/planned';

export const metadata: Metadata = { title: 'Data' };

export default async function DataPage() {
  await requirePage('data.read', '/data');
  return (
    <>
      <h1>Data</h1>
      <Planned
        title='Data'
        willShow={[
          "Upload of the retailer's 8 CSV files or one CSV with a column mapping, with a progress bar",
          'The validation report: errors by file, line and column; warnings for repairs',
          'The profile: rows, date range, stores, items, missing values, distributions, top items, sales over time',
        ]}
      />
    </>
  );
}
