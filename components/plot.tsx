'use client';

import { useEffect, useRef, useState } from 'react';
import { preload } from 'react-dom';
import type PlotlyApi from 'plotly.js-dist-min';
import type { PlotlyData, PlotlyLayout } from 'plotly.js-dist-min';
import { PLOTLY_SRC } from '@/lib/vendor';
import { baseLayout, DEFAULT_PALETTE, layoutHasTitle, mergeLayout, PLOT_CONFIG, type ChartPalette } from '@/lib/chart-style';

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

/** The chart palette of the page: the tenant's brand and accent and the theme's colours, from its CSS variables. */
export function pagePalette(el: Element): ChartPalette {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    brand: v('--brand', DEFAULT_PALETTE.brand),
    accent: v('--accent', DEFAULT_PALETTE.accent),
    text: v('--text', DEFAULT_PALETTE.text),
    muted: v('--muted', DEFAULT_PALETTE.muted),
    grid: v('--border', DEFAULT_PALETTE.grid),
    good: v('--ok', DEFAULT_PALETTE.good),
    warn: v('--warn', DEFAULT_PALETTE.warn),
    bad: v('--danger', DEFAULT_PALETTE.bad),
  };
}

/** Traces, or traces drawn in the page's palette (the tenant's brand colour, the theme's text). */
export type PlotData = PlotlyData[] | ((palette: ChartPalette) => PlotlyData[]);

/**
 * A Plotly chart in the shared chart style (lib/chart-style.ts). plotly.js-dist-min is large: its
 * download starts with the page's HTML (a preload link React puts in the head while rendering)
 * and it runs once, on the first chart; the chart is drawn in the page's palette and redrawn
 * when the data change. `data` may be a function of the palette, so series take the tenant's
 * colours; `layout` is merged over the shared one (a title and axis titles go there). `label`
 * names the chart for screen readers and `summary`, when given, says in words what it shows
 * (Plotly's SVG means nothing to a screen reader). There is no mode bar: it added ten tab stops
 * per chart for keyboard users.
 */
export function Plot({ data, layout, label, summary, height = 320, onPointClick }: { data: PlotData; layout?: PlotlyLayout; label: string; summary?: string; height?: number; onPointClick?: (point: PlotPoint) => void }) {
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
        const palette = pagePalette(el);
        const traces = typeof data === 'function' ? data(palette) : data;
        await Plotly.react(el, traces, mergeLayout(baseLayout(palette, height, layoutHasTitle(layout)), layout), { ...PLOT_CONFIG });
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
