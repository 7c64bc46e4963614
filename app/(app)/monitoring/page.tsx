import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/guards';
import { Planned } from '@/components/planned';

export const metadata: Metadata = { title: 'Monitoring' };

export default async function MonitoringPage() {
  await requirePage('models.read', '/monitoring');
  return (
    <>
      <h1>Monitoring</h1>
      <Planned
        title='Monitoring'
        willShow={[
          "The production model's live error over rolling windows against its validation figure",
          'Drift per feature (PSI and KS test) and on the target',
          'Decay and drift alerts, and the auto-retraining schedule',
        ]}
      />
    </>
  );
}
