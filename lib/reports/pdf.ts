// Raw fs, not lib/storage: the fonts are files of the installed package, not stored state.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import * as fontkit from 'fontkit';
import { formatSpan, formatterFor, perPeriod, periodWord, type Formatter, type Measure } from '../format';
import { accuracyWords, metricWords, recommendation, shareWords } from '../metric-words';
import { checkImage, type ImageType } from '../image-check';
import { MAX_LINE_CHARS, pdfSafeText, type GlyphCoverage } from './pdf-text';
import { BAND_OPACITY, DEFAULT_PALETTE, niceTicks, SERIES_STYLE } from '../chart-style';
import type { ReportData } from './data';

/**
 * Branded PDF reports (docs/architecture.md) drawn with pdfkit: the tenant's name, colours and logo, KPI boxes,
 * a vector chart of the recent history with the forecast and its bands, top products by forecast
 * growth, best sellers, stores, model accuracy and alerts. Text is
 * set in DejaVu Sans so Cyrillic product names print.
 */
const FONT_DIR = path.join(/*turbopackIgnore: true*/ process.cwd(), 'node_modules', 'dejavu-fonts-ttf', 'ttf');
const PAGE = { margin: 48, width: 595.28, height: 841.89 };

/** A report that takes longer than this is abandoned with an error rather than left to hang the request. */
export const RENDER_TIMEOUT_MS = 20_000;

type FontName = 'Body' | 'Bold';
const FONT_FILES: Record<FontName, string> = { Body: 'DejaVuSans.ttf', Bold: 'DejaVuSans-Bold.ttf' };

interface LoadedFont {
  bytes: Buffer;
  coverage: GlyphCoverage;
}

// Read and parsed once: the same bytes go to pdfkit and answer which characters the font can draw.
let loadedFonts: Record<FontName, LoadedFont> | undefined;

function fonts(): Record<FontName, LoadedFont> {
  if (!loadedFonts) {
    const load = (name: FontName): LoadedFont => {
      const bytes = readFileSync(/*turbopackIgnore: true*/ path.join(/*turbopackIgnore: true*/ FONT_DIR, FONT_FILES[name]));
      const font = fontkit.create(bytes);
      return { bytes, coverage: 'fonts' in font ? font.fonts[0] : font };
    };
    loadedFonts = { Body: load('Body'), Bold: load('Bold') };
  }
  return loadedFonts;
}

interface TextStyle {
  font: FontName;
  size: number;
  color: string;
}

type WriteOptions = PDFKit.Mixins.TextOptions & {
  /** Characters of one line kept before it is cut with an ellipsis (MAX_LINE_CHARS by default). */
  maxChars?: number;
  /** Exactly one line within `width`, cut with an ellipsis where it would wrap. */
  oneLine?: boolean;
};

/**
 * The only way a report draws text: each line is made safe for the font it is set in
 * (lib/reports/pdf-text.ts) before pdfkit sees it. An array is drawn as one line per element.
 */
function write(doc: PDFKit.PDFDocument, style: TextStyle, value: string | readonly string[], x: number, y: number, options: WriteOptions = {}): void {
  const { maxChars = MAX_LINE_CHARS, oneLine = false, ...textOptions } = options;
  const coverage = fonts()[style.font].coverage;
  const lines = (typeof value === 'string' ? [value] : value).map((line) => pdfSafeText(line, coverage, maxChars));
  doc.font(style.font).fontSize(style.size).fillColor(style.color);
  // pdfkit wraps whenever a width is given (lineBreak: false does not stop it) and applies the
  // ellipsis only at the bottom of a given height: one line's height makes it cut the first line.
  const final = oneLine ? { ...textOptions, height: doc.currentLineHeight(true), ellipsis: true } : textOptions;
  doc.text(lines.join('\n'), x, y, final);
}

const INK = '#1b1f24';
const MUTED = '#5b6470';

interface ChartForecast {
  points: { date: string; forecast: number; p80: [number, number]; p95: [number, number] }[];
}

const dayOf = (iso: string) => Math.round(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);

/**
 * History as a line and, when given, the forecast after it: its 95% and 80% bands as filled vector
 * areas under the point forecast, on one date axis, with a dashed rule where the forecast starts.
 * The style is the pages' (lib/chart-style.ts): the brand colour for the forecast and its bands,
 * grey actuals. The value axis has a few round ticks in short form (40M, 50M), set in a gutter as
 * wide as its widest label: full figures such as 68,890,315 wrapped onto two lines.
 */
function drawForecastChart(
  doc: PDFKit.PDFDocument,
  series: { date: string; total: number }[],
  forecast: ChartForecast | null,
  box: { x: number; y: number; w: number; h: number },
  color: string,
  axes: { value: (v: number) => string; day: (iso: string) => string; yTitle: string; xTitle: string },
): void {
  const { x, y, w, h } = box;
  doc.save();
  doc.lineWidth(0.5).strokeColor('#c9ced6');
  const points = forecast?.points ?? [];
  if (series.length + points.length < 2) {
    write(doc, { font: 'Body', size: 9, color: MUTED }, 'Not enough history to draw.', x, y + h / 2, { width: w, align: 'center' });
    doc.restore();
    return;
  }
  const values = [...series.map((p) => p.total), ...points.flatMap((p) => [p.p95[0], p.p95[1], p.forecast])].filter(Number.isFinite);
  const ticks = niceTicks(Math.min(0, ...values), Math.max(...values), 4);
  const min = Math.min(ticks[0] ?? 0, ...values);
  const max = Math.max(ticks.at(-1) ?? 1, ...values);
  const range = max - min || 1;
  const dates = [...series.map((p) => p.date), ...points.map((p) => p.date)];
  const d0 = dayOf(dates[0]);
  const span = dayOf(dates[dates.length - 1]) - d0 || 1;
  // Grid and y labels, the plot starting right of the widest label.
  const label: TextStyle = { font: 'Body', size: 7, color: MUTED };
  const tickLabels = ticks.map((v) => axes.value(v));
  doc.font(label.font).fontSize(label.size);
  const gutter = Math.ceil(Math.max(12, ...tickLabels.map((t) => doc.widthOfString(t)))) + 4;
  const left = x + gutter + 4;
  const px = (date: string) => left + ((dayOf(date) - d0) / span) * (x + w - 8 - left);
  const py = (v: number) => y + h - 18 - ((v - min) / range) * (h - 28);
  ticks.forEach((v, g) => {
    doc.moveTo(left, py(v)).lineTo(x + w - 8, py(v)).stroke();
    write(doc, label, tickLabels[g], x, py(v) - 4, { width: gutter, align: 'right', oneLine: true });
  });
  // Axis titles: what the values count (with the unit) at the top of the value axis, the grain under the dates.
  write(doc, { font: 'Bold', size: 7, color: MUTED }, axes.yTitle, x, y - 8, { width: w / 2, oneLine: true });
  write(doc, { font: 'Bold', size: 7, color: MUTED }, axes.xTitle, x + w - 60, y + h - 3, { width: 52, align: 'right', oneLine: true });
  // x labels: first and last history date, first and last forecast date.
  const labels = new Set([dates[0], series.at(-1)?.date, points.at(-1)?.date].filter((d): d is string => Boolean(d)));
  for (const d of labels) write(doc, label, axes.day(d), Math.min(Math.max(px(d) - 30, x + 10), x + w - 60), y + h - 12, { width: 60, align: 'center', oneLine: true });
  if (points.length > 0) {
    const area = (lo: (p: ChartForecast['points'][number]) => number, hi: (p: ChartForecast['points'][number]) => number, opacity: number) => {
      doc.moveTo(px(points[0].date), py(hi(points[0])));
      for (const p of points.slice(1)) doc.lineTo(px(p.date), py(hi(p)));
      for (const p of [...points].reverse()) doc.lineTo(px(p.date), py(lo(p)));
      doc.closePath().fillOpacity(opacity).fill(color);
    };
    area((p) => p.p95[0], (p) => p.p95[1], BAND_OPACITY.p95);
    area((p) => p.p80[0], (p) => p.p80[1], BAND_OPACITY.p80);
    doc.fillOpacity(1);
    const start = px(points[0].date);
    doc.lineWidth(0.6).strokeColor('#9aa4af').dash(3, { space: 3 }).moveTo(start, y + 4).lineTo(start, y + h - 18).stroke().undash();
  }
  // The history line, then the forecast line, each one vector path.
  if (series.length > 1) {
    doc.lineWidth(SERIES_STYLE.actual.width * 0.75).strokeColor(DEFAULT_PALETTE.muted);
    doc.moveTo(px(series[0].date), py(series[0].total));
    for (const p of series.slice(1)) doc.lineTo(px(p.date), py(p.total));
    doc.stroke();
  }
  if (points.length > 0) {
    doc.lineWidth(SERIES_STYLE.forecast.width * 0.75).strokeColor(color);
    const first = series.at(-1);
    if (first) doc.moveTo(px(first.date), py(first.total));
    else doc.moveTo(px(points[0].date), py(points[0].forecast));
    for (const p of points) doc.lineTo(px(p.date), py(p.forecast));
    doc.stroke();
  }
  doc.restore();
}

function table(doc: PDFKit.PDFDocument, header: string[], rows: string[][], widths: number[], startY: number): number {
  let y = startY;
  const x0 = PAGE.margin;
  const left = (i: number) => x0 + widths.slice(0, i).reduce((a, b) => a + b, 0);
  // One line per cell: a long name is cut with an ellipsis, never wrapped over the next row.
  header.forEach((h, i) => write(doc, { font: 'Bold', size: 8.5, color: MUTED }, h, left(i), y, { width: widths[i] - 6, oneLine: true }));
  y += 14;
  for (const row of rows) {
    if (y > PAGE.height - PAGE.margin - 20) {
      doc.addPage();
      y = PAGE.margin;
    }
    row.forEach((cell, i) => write(doc, { font: 'Body', size: 9, color: INK }, cell, left(i), y, { width: widths[i] - 6, oneLine: true }));
    y += 13;
  }
  return y + 6;
}

/**
 * Draws a document with `draw` and collects its bytes. The promise settles exactly once: with the
 * PDF when the stream ends; rejected when `draw` throws or rejects, when the document emits an
 * error at any time (pdfkit, zlib and fontkit report through the stream while it runs), or after
 * `timeoutMs` as a last resort, so a caller is never left waiting.
 */
export function renderPdf(options: PDFKit.PDFDocumentOptions, draw: (doc: PDFKit.PDFDocument) => void | Promise<void>, { timeoutMs = RENDER_TIMEOUT_MS }: { timeoutMs?: number } = {}): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      return true;
    };
    const fail = (e: unknown) => {
      if (settle()) reject(e instanceof Error ? e : new Error(`the PDF could not be drawn: ${String(e)}`));
    };
    const timer = setTimeout(() => fail(new Error(`the PDF was not finished after ${timeoutMs} ms`)), timeoutMs);
    let doc: PDFKit.PDFDocument;
    try {
      doc = new PDFDocument(options);
    } catch (e) {
      fail(e);
      return;
    }
    doc.on('data', (c: Buffer) => {
      if (!settled) chunks.push(c);
    });
    doc.on('end', () => {
      if (settle()) resolve(Buffer.concat(chunks));
    });
    // Stays attached after settling: an 'error' event nobody listens to is thrown, and would take
    // the process down instead of this one report.
    doc.on('error', fail);
    Promise.resolve()
      .then(() => draw(doc))
      .then(() => {
        if (!settled) doc.end();
      })
      .catch(fail);
  });
}

/** A logo as stored: its bytes and the content type it was uploaded as. */
export interface ReportLogo {
  bytes: Buffer;
  type: string;
}

/**
 * The logo when pdfkit can draw it, else why not (null reason: a format pdfkit does not read, such
 * as WebP, which is left out without a word). A logo stored before uploads were decode-checked may
 * be damaged, and pdfkit inflates PNG data in a callback that throws where nobody can catch it:
 * the request hung and the error reached the process. A PNG that passes the check inflates.
 */
function drawableLogo(logo: ReportLogo): { bytes: Buffer } | { reason: string | null } {
  const type: ImageType | null = logo.type === 'image/png' || logo.type === 'image/jpeg' ? logo.type : null;
  if (!type) return { reason: null };
  const check = checkImage(logo.bytes, type);
  return check.ok ? { bytes: logo.bytes } : { reason: `it is damaged: ${check.reason}` };
}

/** Options of `renderReportPdf`. */
export interface ReportRenderOptions {
  /** Named in the server log when the logo is left out. */
  tenantId?: string;
  timeoutMs?: number;
}

/**
 * The report as PDF bytes. Every text is made safe for the font first; a logo that cannot be
 * drawn is left out with one line in the server log.
 * @throws Error when the document cannot be drawn (see `renderPdf`)
 */
export async function renderReportPdf(data: ReportData, logo?: ReportLogo | null, options: ReportRenderOptions = {}): Promise<Buffer> {
  const tenant = options.tenantId ?? '(unknown)';
  const drawable = logo ? drawableLogo(logo) : null;
  if (drawable && 'reason' in drawable && drawable.reason) {
    console.warn(`reports: the logo of tenant ${tenant} is left out of its report: ${drawable.reason}. Upload it again on the Branding page.`);
  }
  const info = fonts().Body.coverage;
  const docOptions: PDFKit.PDFDocumentOptions = {
    size: 'A4',
    margin: PAGE.margin,
    info: { Title: `${pdfSafeText(data.tenantName, info)}: ${pdfSafeText(data.title, info)}`, Author: 'Foresight', Subject: pdfSafeText(data.scope, info) },
  };
  return renderPdf(
    docOptions,
    (doc) => {
      doc.registerFont('Body', fonts().Body.bytes);
      doc.registerFont('Bold', fonts().Bold.bytes);
      drawReport(doc, data, drawable && 'bytes' in drawable ? drawable.bytes : null, tenant);
    },
    { timeoutMs: options.timeoutMs },
  );
}

function drawReport(doc: PDFKit.PDFDocument, data: ReportData, logo: Buffer | null, tenant: string): void {
  const brand = data.branding.primaryColor;
  const full = PAGE.width - 2 * PAGE.margin;
  // One formatter from the tenant's settings: the same figures, units and dates as its pages.
  const fmt: Formatter = formatterFor(data.regional);
  const span = formatSpan(data.periods, data.step);
  const per = periodWord(data.step);
  // A box's figure is one short line: money with its symbol; units and other counts say their unit in the box's title or note.
  const compactOf = (m: Measure, v: number) => (m.unit === 'currency' ? fmt.moneyCompact(v) : fmt.compact(v));
  // Header band in the tenant's colour, logo when it is PNG or JPEG (pdfkit reads those).
  doc.rect(0, 0, PAGE.width, 70).fill(brand);
  let titleX = PAGE.margin;
  if (logo) {
    try {
      doc.image(logo, PAGE.margin, 15, { fit: [80, 40] });
      titleX += 92;
    } catch (e) {
      // checked above, so this is a form pdfkit refuses outright; the report goes on without it
      console.warn(`reports: pdfkit refused the logo of tenant ${tenant}, left out of its report: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const titleWidth = PAGE.width - titleX - PAGE.margin;
  write(doc, { font: 'Bold', size: 18, color: '#ffffff' }, data.tenantName, titleX, 18, { width: titleWidth, oneLine: true });
  write(doc, { font: 'Body', size: 10, color: '#ffffff' }, `${data.title} · ${data.scope} · generated ${fmt.dateTime(data.generatedAt)}`, titleX, 42, { width: titleWidth, oneLine: true });

  let y = 90;
  const heading: TextStyle = { font: 'Bold', size: 12, color: INK };
  write(doc, heading, `Last ${span}: ${fmt.day(data.kpis.current.from)} to ${fmt.day(data.kpis.current.to)}`, PAGE.margin, y);
  y += 22;
  // The same boxes, figures and formats as the Overview page (lib/reports/data.ts dashboardFigures).
  const boxes: { title: string; value: string; note: string }[] = [];
  const vs = (cur: number, prev: number, year: number) => `vs previous ${span} ${fmt.change(cur, prev, data.kpis.previous.periods)} · vs same ${span} last year ${fmt.change(cur, year, data.kpis.lastYear.periods)}`;
  if (data.revenue) boxes.push({ title: data.revenue.label, value: compactOf(data.revenue, data.kpis.current.value ?? 0), note: vs(data.kpis.current.value ?? 0, data.kpis.previous.value ?? 0, data.kpis.lastYear.value ?? 0) });
  boxes.push({ title: data.target.label, value: compactOf(data.target, data.kpis.current.target), note: vs(data.kpis.current.target, data.kpis.previous.target, data.kpis.lastYear.target) });
  if (data.forecast) {
    const ahead = formatSpan(data.forecast.periods, data.step);
    const unit = data.target.unit === 'currency' ? '' : `${data.target.label.toLowerCase()} · `;
    boxes.push({ title: `Forecast, next ${ahead}`, value: compactOf(data.target, data.forecast.total), note: `${unit}vs last ${data.forecast.perPeriod ? `${span}, per ${per}` : span} ${fmt.signedPercent(data.forecast.changeVsLast)} · model ${data.forecast.modelVersion}` });
  }
  boxes.push({ title: 'Open alerts', value: String(data.alerts.open), note: data.alerts.open === 0 ? 'nothing to act on' : 'see the Alerts section' });
  const bw = (PAGE.width - 2 * PAGE.margin - 10 * (boxes.length - 1)) / boxes.length;
  boxes.forEach((b, i) => {
    const bx = PAGE.margin + i * (bw + 10);
    doc.roundedRect(bx, y, bw, 70, 6).lineWidth(1).strokeColor(brand).stroke();
    // Title and figure on one line each, the note within the box: a long name cannot push out of it.
    write(doc, { font: 'Body', size: 8.5, color: MUTED }, b.title, bx + 8, y + 7, { width: bw - 16, oneLine: true });
    write(doc, { font: 'Bold', size: 15, color: INK }, b.value, bx + 8, y + 21, { width: bw - 16, oneLine: true });
    write(doc, { font: 'Body', size: 7.5, color: MUTED }, b.note, bx + 8, y + 42, { width: bw - 16, height: 27, ellipsis: true });
  });
  y += 86;
  const ahead = data.forecast ? formatSpan(data.forecast.periods, data.step) : '';
  write(doc, heading, data.forecast ? `${perPeriod(data.target.label, data.step)}: recent actuals and the next ${ahead}' forecast` : perPeriod(data.target.label, data.step), PAGE.margin, y, { width: full, oneLine: true });
  y += 24;
  drawForecastChart(doc, data.history, data.forecast, { x: PAGE.margin, y, w: full, h: 170 }, brand, {
    // The axis title names the unit (currency included): the ticks are short plain figures.
    value: (v) => fmt.compact(v),
    day: (d) => fmt.day(d),
    yTitle: fmt.title(data.target),
    xTitle: data.step === 7 ? 'Week' : 'Day',
  });
  y += 176;
  const paragraph: TextStyle = { font: 'Body', size: 9.5, color: INK };
  write(
    doc,
    { font: 'Body', size: 8, color: MUTED },
    data.forecast ? `Grey: actuals. Line: forecast of ${data.forecast.modelVersion} (generated ${fmt.dateTime(data.forecast.generatedAt)}); shaded: its 80% and 95% intervals.` : 'No model is in production yet: the chart shows actuals only.',
    PAGE.margin,
    y,
    { width: full, maxChars: 400 },
  );
  y = doc.y + 12;

  write(doc, heading, 'Model accuracy', PAGE.margin, y);
  y += 16;
  if (data.model) {
    const words = accuracyWords(data.model.metrics.wape, data.model.baselineMetrics.wape, data.step, fmt);
    const advice = recommendation({ ...data.model, stage: 'production' }, data.versions, data.step, fmt);
    const lines = [
      `Production model ${data.model.id} (${data.model.algorithm}): ${words.headline.charAt(0).toLowerCase()}${words.headline.slice(1)}; ${words.comparison} (${shareWords(data.model.baselineMetrics.wape, fmt)}). Trained on ${fmt.day(data.model.trainingWindow.from)} to ${fmt.day(data.model.trainingWindow.to)}.`,
      ...(advice ? [advice] : []),
    ];
    write(doc, paragraph, lines.join(' '), PAGE.margin, y, { width: full, maxChars: 600 });
    y = doc.y + 4;
    const wape = metricWords('wape');
    write(doc, { font: 'Body', size: 7.5, color: MUTED }, `${wape.name} (${wape.short}): ${wape.definition}`, PAGE.margin, y, { width: full, maxChars: 400 });
  } else write(doc, paragraph, 'No model is in production yet: forecasts and their accuracy appear here once one is trained.', PAGE.margin, y, { width: full, maxChars: 400 });
  y = doc.y + 14;

  const section = (title: string, need = 120) => {
    if (y > PAGE.height - need) {
      doc.addPage();
      y = PAGE.margin;
    }
    write(doc, heading, title, PAGE.margin, y, { width: full, oneLine: true });
    y += 16;
  };
  const unitOf = (m: Measure) => (m.unit === 'currency' ? data.regional.currency : m.unit === 'units' ? 'units' : m.label);
  if (data.growthProducts.length > 0) {
    section('Top products by forecast growth, next month against the last');
    write(
      doc,
      { font: 'Body', size: 8, color: MUTED },
      `Highest growth first, among the products that sold at least ${fmt.measure(data.growthFloor ?? 0, data.target.unit)} last month (a fifth of the average product); smaller ones swing by large percentages on a few sales. Volumes in ${unitOf(data.target)}.`,
      PAGE.margin,
      y,
      { width: full, maxChars: 400 },
    );
    y = doc.y + 6;
    y = table(
      doc,
      ['Product', 'Category', 'Last month', 'Next month', 'Growth'],
      data.growthProducts.map((p) => [p.name ? `${p.name} (${p.item})` : p.item, p.category ?? '—', fmt.integer(p.previous), fmt.integer(p.forecast), fmt.signedPercent(p.growth)]),
      // The product column fits the longest catalogue name with its id; the category may be cut.
      [236, 85, 62, 62, 54],
      y,
    );
  }
  if (data.topProducts.length > 0) {
    section(`Best sellers, last ${span}`);
    y = table(
      doc,
      ['Product', fmt.title(data.target), 'Share', 'vs prior'],
      data.topProducts.map((p) => [p.label, fmt.integer(p.current), fmt.percent(p.share), fmt.signedPercent(p.change)]),
      [260, 100, 70, 70],
      y,
    );
  }
  if (data.stores.length > 0) {
    section(`Stores, last ${span}`);
    y = table(
      doc,
      ['Store', fmt.title(data.target), 'Share', 'vs prior'],
      data.stores.slice(0, 20).map((s) => [s.label, fmt.integer(s.current), fmt.percent(s.share), fmt.signedPercent(s.change)]),
      [260, 100, 70, 70],
      y,
    );
  }
  section(`Alerts (${data.alerts.open} open)`, 100);
  // One line of the paragraph per alert, each made safe on its own so a name cannot add lines.
  write(doc, paragraph, data.alerts.recent.length === 0 ? 'No open alerts.' : data.alerts.recent.map((a) => `${fmt.dateTime(a.at)} [${a.severity}] ${a.title}: ${a.message}`), PAGE.margin, y, { width: full, maxChars: 400 });
}
