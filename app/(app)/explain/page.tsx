import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/guards';
import { Planned } from '@/components/planned';

export const metadata: Metadata = { title: 'Explain' };

export default async function ExplainPage() {
  await requirePage('explain.run', '/explain');
  return (
    <>
      <h1>Explain</h1>
      <Planned
        title='Explain'
        willShow={[
          'Global feature importance and per-prediction contributions as a waterfall',
          'Plain-language reasons for a forecast',
          'What-if: change price, discount, promotion or holiday and see the new forecast',
        ]}
      />
    </>
  );
}
