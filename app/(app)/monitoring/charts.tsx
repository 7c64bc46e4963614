'use client';

import { useMemo } from 'react';
import { Plot } from '@/components/plot';

/** PSI per column with the 0.1 and 0.25 bands drawn. */
export function PsiChart({ names, psi }: { names: string[]; psi: number[] }) {
  const data = useMemo(
    () => [{ x: names, y: psi, type: 'bar' as const, name: 'PSI', marker: { color: psi.map((p) => (p > 0.25 ? '#c62828' : p >= 0.1 ? '#9a6700' : '#1a7f37')) } }],
    [names, psi],
  );
  const layout = useMemo(
    () => ({
      xaxis: { type: 'category', automargin: true },
      shapes: [0.1, 0.25].map((y) => ({ type: 'line', xref: 'paper', x0: 0, x1: 1, y0: y, y1: y, line: { dash: 'dot', width: 1, color: y > 0.2 ? '#c62828' : '#9a6700' } })),
    }),
    [],
  );
  return <Plot data={data} layout={layout} label="Population stability index per column" height={280} />;
}
