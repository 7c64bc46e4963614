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

/** The point of a trace a click landed on (Plotly's `plotly_click` event, first point). */
export interface PlotPoint {
  x: unknown;
  y: unknown;
  curveNumber: number;
  pointIndex: number;
  customdata: unknown;
}

type GraphDiv = HTMLElement & {
  on?: (event: 'plotly_click', listener: (e: { points?: Partial<PlotPoint & { pointNumber: number }>[] }) => void) => void;
  removeAllListeners?: (event: 'plotly_click') => void;
};

/**
 * A Plotly chart. plotly.js-dist-min is large: its download starts with the page's HTML (a
 * preload link React puts in the head while rendering) and it runs once, on the first chart;
 * the chart is themed from the page's CSS variables and redrawn when the data change. `label`
 * names the chart for screen readers and `summary`, when given, says in words what it shows
 * (Plotly's SVG means nothing to a screen reader).
 */
export function Plot({ data, layout, label, summary, height = 320, onPointClick }: { data: PlotlyData[]; layout?: PlotlyLayout; label: string; summary?: string; height?: number; onPointClick?: (point: PlotPoint) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  // The latest handler, read when a click comes: a new function each render redraws nothing.
  const clickRef = useRef(onPointClick);
  useEffect(() => {
    clickRef.current = onPointClick;
  });
  const clickable = onPointClick !== undefined;
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
        const gd = el as GraphDiv;
        gd.removeAllListeners?.('plotly_click');
        if (clickable)
          gd.on?.('plotly_click', (e) => {
            const p = e.points?.[0];
            if (p && clickRef.current) clickRef.current({ x: p.x, y: p.y, curveNumber: p.curveNumber ?? 0, pointIndex: p.pointIndex ?? p.pointNumber ?? 0, customdata: p.customdata });
          });
        if (!cancelled) setState('ready');
      })
      .catch(() => !cancelled && setState('error'));
    return () => {
      cancelled = true;
    };
  }, [data, layout, height, clickable]);
  return (
    <figure className="plot" aria-label={label}>
      {state === 'loading' && <p className="muted" aria-live="polite">Drawing the chart…</p>}
      {state === 'error' && <p className="alert error">The chart could not be drawn.</p>}
      <div ref={ref} data-testid="plot" data-state={state} data-clickable={clickable || undefined} style={{ minHeight: state === 'ready' ? height : 0 }} />
      {summary && <figcaption className="visually-hidden">{summary}</figcaption>}
    </figure>
  );
}
