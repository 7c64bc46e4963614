import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/guards';
import { Planned } from '@/components/planned';

export const metadata: Metadata = { title: 'Decisions' };

export default async function DecisionsPage() {
  await requirePage('dashboards.read', '/decisions');
  return (
    <>
      <h1>Decisions</h1>
      <Planned
        title='Decisions'
        willShow={[
          'Reorder points, safety stock and order quantities',
          'Expected stockout loss',
          'The most profitable discount, with its profit curve',
          'Store expansion ranking',
          'One ranked list of recommendations to accept or dismiss',
        ]}
      />
    </>
  );
}
