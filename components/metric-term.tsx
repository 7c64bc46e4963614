'use client';

import { useId } from 'react';
import { metricWords } from '@/lib/metric-words';

/**
 * A metric's name in words with its definition as a tooltip: shown on hover and on keyboard
 * focus, and read by screen readers as the term's description (aria-describedby), so touch and
 * keyboard users get it too. `technical` adds the metric's short name (WAPE) after the words.
 */
export function MetricTerm({ metric, technical = false, children }: { metric: string; technical?: boolean; children?: React.ReactNode }) {
  const id = useId();
  const w = metricWords(metric);
  return (
    <span className="term" tabIndex={0} aria-describedby={id} data-metric={metric}>
      {children ?? w.name}
      {technical && w.short.toLowerCase() !== w.name.toLowerCase() && <span className="muted"> ({w.short})</span>}
      <span role="tooltip" id={id} className="term-tip">
        <strong>{w.short}</strong>: {w.definition}
      </span>
    </span>
  );
}

/** Every metric's definition in one list, for readers who want them all at once. */
export function MetricGlossary({ metrics }: { metrics: readonly string[] }) {
  return (
    <details className="glossary" data-testid="metric-glossary">
      <summary>What these figures mean</summary>
      <dl>
        {metrics.map((m) => {
          const w = metricWords(m);
          return (
            <div key={m}>
              <dt>
                {w.name} <span className="muted">({w.short})</span>
              </dt>
              <dd>{w.definition}</dd>
            </div>
          );
        })}
      </dl>
    </details>
  );
}
