import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/guards';
import { Planned } from '@/components/planned';

export const metadata: Metadata = { title: 'Real-time' };

export default async function RealTimePage() {
  await requirePage('alerts.read', '/realtime');
  return (
    <>
      <h1>Real-time</h1>
      <Planned
        title='Real-time'
        willShow={[
          'A live stream of events and predictions',
          'Anomaly alerts pushed to the page as they happen, with acknowledgement',
        ]}
      />
    </>
  );
}
