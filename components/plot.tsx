'use client';

import { useEffect, useRef, useState } from 'react';
import { preload } from 'react-dom';
import type PlotlyApi from 'plotly.js-dist-min';
import type { PlotlyData, PlotlyLayout } from 'plotly.js-dist-min';
import { PLOTLY_SRC } from '@/lib/vendor';

type Plotly = typeof PlotlyApi;
let loading: Promise<Plotly> | undefined;

/** plotly.js-dist-min's bundle as one script (app/vendor/[file]), run once per page however many charts it has. */
function loadPlotly(): Promise<Plotly> {
  const w = window as unknown as { Plotly?: Plotly };
  if (w.Plotly) return Promise.resolve(w.Plotly);
  loading ??= new Promise<Plotly>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = PLOTLY_SRC;
    script.async = true;
    script.onload = () => (w.Plotly ? resolve(w.Plotly) : reject(new Error('Plotly did not define itself')));
    script.onerror = () => {
      loading = undefined; // the next chart tries again
      script.remove();
      reject(new Error(`${PLOTLY_SRC} could not be loaded`));
    };
    document.head.appendChild(script);
  });
  return loading;
}

/**
 * A Plotly chart. plotly.js-dist-min is large: its download starts with the page's HTML (a
 * preload link React puts in the head while rendering) and it runs once, on the first chart;
 * the chart is themed from the page's CSS variables and redrawn when the data change. `label`
 * names the chart for screen readers and `summary`, when given, says in words what it shows
 * (Plotly's SVG means nothing to a screen reader).
 */
export function Plot({ data, layout, label, summary, height = 320 }: { data: PlotlyData[]; layout?: PlotlyLayout; label: string; summary?: string; height?: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');
  preload(PLOTLY_SRC, { as: 'script' });
  useEffect(() => {
    let cancelled = false;
    const el = ref.current;
    if (!el) return;
    loadPlotly()
      .then(async (Plotly) => {
        if (cancelled) return;
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
