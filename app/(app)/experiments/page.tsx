import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/guards';
import { Planned } from '@/components/planned';

export const metadata: Metadata = { title: 'Experiments' };

export default async function ExperimentsPage() {
  await requirePage('models.read', '/experiments');
  return (
    <>
      <h1>Experiments</h1>
      <Planned
        title='Experiments'
        willShow={[
          'Every training and tuning run with parameters, metrics per fold, duration and status',
          'Filters, sorting, side-by-side comparison and CSV export',
        ]}
      />
    </>
  );
}
