/**
 * One chart style for every chart of the app (the Plotly charts of the pages, through
 * components/plot.tsx, and the vector chart of the PDF reports): colours from the tenant's brand,
 * the look of actuals, last year, forecasts and their bands, and where the legend goes.
 *
 * Pure and shared by client and server code: no Node or browser APIs.
 */

/** The product's own colours, used when a tenant has none (no white-label) and as fallbacks. */
export const DEFAULT_PALETTE: ChartPalette = Object.freeze({
  brand: '#1f6feb',
  accent: '#e36209',
  text: '#1b1f24',
  muted: '#5b6470',
  grid: '#d8dde3',
  good: '#1a7f37',
  warn: '#9a6700',
  bad: '#c62828',
});

/** The colours a chart is drawn with: the tenant's brand and accent, the theme's text and grid, and the good/warn/bad signal colours. */
export interface ChartPalette {
  brand: string;
  accent: string;
  text: string;
  muted: string;
  grid: string;
  good: string;
  warn: string;
  bad: string;
}

/** How much of the brand colour each band keeps: the 95% band lighter than the 80% one. */
export const BAND_OPACITY = { p95: 0.14, p80: 0.3 } as const;

/** Line widths and dashes of the series every forecast chart draws (pages and PDF alike). */
export const SERIES_STYLE = {
  actual: { width: 1.6 },
  lastYear: { width: 1, dash: 'dot' },
  forecast: { width: 2.2 },
  reference: { width: 1, dash: 'dot' },
} as const;

/** `#rrggbb` (or `#rgb`) as `rgba(r,g,b,alpha)`; any other colour string is returned as it is. */
export function withAlpha(color: string, alpha: number): string {
  const hex = color.trim();
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(hex);
  if (!m) return hex;
  const h = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
  return `rgba(${r},${g},${b},${alpha})`;
}

/** A sequential colour scale from nearly transparent to the brand colour, for heatmaps. */
export function brandScale(p: ChartPalette): [number, string][] {
  return [
    [0, withAlpha(p.brand, 0.06)],
    [0.5, withAlpha(p.brand, 0.45)],
    [1, p.brand],
  ];
}

/**
 * Colours for `n` categorical series: the brand, the accent, then the brand and accent lighter,
 * so two-series charts (this period / period before) read as the tenant's.
 */
export function seriesColors(p: ChartPalette, n: number): string[] {
  const base = [p.brand, p.accent, withAlpha(p.brand, 0.55), withAlpha(p.accent, 0.55), p.muted];
  return Array.from({ length: n }, (_, i) => base[i % base.length]);
}

/**
 * The base Plotly layout of every chart. The legend sits above the plot, left-aligned, so it never
 * covers rotated category labels under the x axis (it did at y = -0.2); axes grow their margins to
 * fit long or rotated tick labels and axis titles. A chart title given in `layout.title` goes
 * above the legend.
 */
export function baseLayout(p: ChartPalette, height: number, hasTitle: boolean): Record<string, unknown> {
  return {
    height,
    margin: { l: 56, r: 16, t: hasTitle ? 64 : 36, b: 40 },
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { color: p.text, family: 'system-ui, sans-serif' },
    colorway: seriesColors(p, 5),
    xaxis: { gridcolor: p.grid, automargin: true },
    yaxis: { gridcolor: p.grid, automargin: true },
    legend: { orientation: 'h', x: 0, xanchor: 'left', y: 1.02, yanchor: 'bottom' },
    hoverlabel: { namelength: -1 },
    ...(hasTitle ? { title: { x: 0, xanchor: 'left', y: 1, yref: 'container', yanchor: 'top', pad: { t: 8 } } } : {}),
  };
}

/** Plotly's options for every chart: no mode bar (it added ten tab stops per chart, and a "share" button sending data to Plotly's cloud), no logo. */
export const PLOT_CONFIG: Readonly<Record<string, unknown>> = Object.freeze({ displayModeBar: false, displaylogo: false, responsive: true, scrollZoom: false });

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `over` merged into `base`, nested objects (axes, legend, margin, title) merged too, arrays replaced. */
export function mergeLayout(base: Record<string, unknown>, over: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!over) return base;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    // Plotly takes a title as a bare string too: it becomes the text of the styled title.
    if (k === 'title' && typeof v === 'string' && isRecord(b)) out[k] = { ...b, text: v };
    else out[k] = isRecord(v) && isRecord(b) ? mergeLayout(b, v) : v;
  }
  return out;
}

/** Whether a layout carries a chart title (a string, or an object with text). */
export function layoutHasTitle(layout: Record<string, unknown> | undefined): boolean {
  const t = layout?.title;
  return typeof t === 'string' ? t.trim() !== '' : isRecord(t) && typeof t.text === 'string' && t.text.trim() !== '';
}

/**
 * A few round axis values spanning [min, max] (1, 2 or 5 times a power of ten apart), so a chart
 * without Plotly (the PDF) labels its axis 40M, 50M, 60M instead of 41,234,567.
 */
export function niceTicks(min: number, max: number, count = 4): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max <= min) return [min];
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  // From the last round value at or below min to the first at or above max, so the ticks span the data.
  const first = Math.floor(min / step + 1e-9) * step;
  const last = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; first + i * step <= last + step * 1e-9; i++) {
    const v = first + i * step;
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  }
  return ticks;
}

/** A short axis label: 950, 12K, 3.4M, 1.2B (one decimal where it matters). */
export function axisNumber(x: number): string {
  if (!Number.isFinite(x)) return '';
  const a = Math.abs(x);
  const [div, suffix] = a >= 1e9 ? [1e9, 'B'] : a >= 1e6 ? [1e6, 'M'] : a >= 1e4 ? [1e3, 'K'] : [1, ''];
  const v = x / div;
  const text = div === 1 ? (Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) < 10 ? 1 : 0)) : Number.isInteger(Math.round(v * 10) / 10) ? String(Math.round(v)) : v.toFixed(1);
  return `${text}${suffix}`;
}
