import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/guards';
import { Planned } from '@/components/planned';

export const metadata: Metadata = { title: 'Forecasts' };

export default async function ForecastsPage() {
  await requirePage('dashboards.read', '/forecasts');
  return (
    <>
      <h1>Forecasts</h1>
      <Planned
        title='Forecasts'
        willShow={[
          'Store, category and item pickers with search',
          'History with the forecast and its 80/95% bands, horizon 1 to 90 days',
          'Last year overlaid for comparison',
          'CSV export of the forecast',
        ]}
        needs={'It needs a trained production model.'}
      />
    </>
  );
}
