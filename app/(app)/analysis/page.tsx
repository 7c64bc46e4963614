import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/guards';
import { Planned } from '@/components/planned';

export const metadata: Metadata = { title: 'Analysis' };

export default async function AnalysisPage() {
  await requirePage('dashboards.read', '/analysis');
  return (
    <>
      <h1>Analysis</h1>
      <Planned
        title='Analysis'
        willShow={[
          'Breakdowns by store, category and item',
          'Top products by forecast growth',
          'Seasonality by weekday and month',
          'A store x category heatmap',
        ]}
      />
    </>
  );
}
