'use client';

import { useEffect, useRef, useState } from 'react';
import type { PlotlyData, PlotlyLayout } from 'plotly.js-dist-min';

/**
 * A Plotly chart. plotly.js-dist-min is loaded on first use (it is large), themed from the page's
 * CSS variables, and redrawn when the data change. `label` names the chart for screen readers and
 * `summary`, when given, says in words what it shows (Plotly's SVG means nothing to a screen reader).
 */
export function Plot({ data, layout, label, summary, height = 320 }: { data: PlotlyData[]; layout?: PlotlyLayout; label: string; summary?: string; height?: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');
  useEffect(() => {
    let cancelled = false;
    const el = ref.current;
    if (!el) return;
    import('plotly.js-dist-min')
      .then(async (mod) => {
        if (cancelled) return;
        const Plotly = mod.default ?? mod;
        const css = getComputedStyle(el);
        const text = css.getPropertyValue('--text').trim() || '#1b1f24';
        const grid = css.getPropertyValue('--border').trim() || '#d8dde3';
        await Plotly.react(
          el,
          data,
          {
            height,
            margin: { l: 56, r: 16, t: 16, b: 48 },
            paper_bgcolor: 'rgba(0,0,0,0)',
            plot_bgcolor: 'rgba(0,0,0,0)',
            font: { color: text, family: 'system-ui, sans-serif' },
            xaxis: { gridcolor: grid },
            yaxis: { gridcolor: grid },
            legend: { orientation: 'h', y: -0.2 },
            ...layout,
          },
          { displaylogo: false, responsive: true },
        );
        if (!cancelled) setState('ready');
      })
      .catch(() => !cancelled && setState('error'));
    return () => {
      cancelled = true;
    };
  }, [data, layout, height]);
  return (
    <figure className="plot" aria-label={label}>
      {state === 'loading' && <p className="muted" aria-live="polite">Drawing the chart…</p>}
      {state === 'error' && <p className="alert error">The chart could not be drawn.</p>}
      <div ref={ref} data-testid="plot" data-state={state} style={{ minHeight: state === 'ready' ? height : 0 }} />
      {summary && <figcaption className="visually-hidden">{summary}</figcaption>}
    </figure>
  );
}
