import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/guards';
import { Planned } from '@/components/planned';

export const metadata: Metadata = { title: 'Models' };

export default async function ModelsPage() {
  await requirePage('models.read', '/models');
  return (
    <>
      <h1>Models</h1>
      <Planned
        title='Models'
        willShow={[
          'The model registry: every version with its metrics, stage and author',
          'Promote, archive and one-click rollback (managers and admins)',
          'Side-by-side comparison of two versions and a history timeline',
        ]}
      />
    </>
  );
}
