import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/guards';
import { Planned } from '@/components/planned';

export const metadata: Metadata = { title: 'Reports' };

export default async function ReportsPage() {
  await requirePage('dashboards.read', '/reports');
  return (
    <>
      <h1>Reports</h1>
      <Planned
        title='Reports'
        willShow={[
          'The executive summary PDF and a per-store PDF in your branding (download for managers and admins)',
          'A model card',
        ]}
      />
    </>
  );
}
