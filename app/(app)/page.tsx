import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/guards';
import { Planned } from '@/components/planned';

export const metadata: Metadata = { title: 'Overview' };

export default async function OverviewPage() {
  await requirePage('dashboards.read', '/');
  return (
    <>
      <h1>Overview</h1>
      <Planned
        title='Overview'
        willShow={[
          'KPIs: sales and units over the last 30 days against the prior period and last year',
          'The forecast for the next 30 days with 80% and 95% bands',
          "The production model's accuracy beside the seasonal-naive baseline",
          'Open alerts',
        ]}
        needs={'It needs an imported dataset (Data page) and a trained production model (Models page).'}
      />
    </>
  );
}
