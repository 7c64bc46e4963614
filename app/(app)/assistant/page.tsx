import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/guards';
import { Planned } from '@/components/planned';

export const metadata: Metadata = { title: 'Assistant' };

export default async function AssistantPage() {
  await requirePage('assistant.use', '/assistant');
  return (
    <>
      <h1>Assistant</h1>
      <Planned
        title='Assistant'
        willShow={[
          'Questions in plain words answered with figures, a chart where it helps, and the steps taken',
        ]}
      />
    </>
  );
}
