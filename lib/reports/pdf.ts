import path from 'node:path';
import PDFDocument from 'pdfkit';
import { formatChange, formatInteger, formatPercent, formatSignedPercent } from '../format';
import type { ReportData } from './data';

/**
 * Branded PDF reports (SPEC 14) drawn with pdfkit: the tenant's name, colours and logo, KPI boxes,
 * a vector chart of the recent history with the forecast and its bands, top products by forecast
 * growth, best sellers, stores, model accuracy and alerts. Text is
 * set in DejaVu Sans so Cyrillic product names print.
 */
const FONT_DIR = path.join(/*turbopackIgnore: true*/ process.cwd(), 'node_modules', 'dejavu-fonts-ttf', 'ttf');
const PAGE = { margin: 48, width: 595.28, height: 841.89 };

interface ChartForecast {
  points: { date: string; forecast: number; p80: [number, number]; p95: [number, number] }[];
}

const dayOf = (iso: string) => Math.round(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);

/**
 * History as a line and, when given, the forecast after it: its 95% and 80% bands as filled vector
 * areas under the point forecast, on one date axis, with a dashed rule where the forecast starts.
 */
function drawForecastChart(doc: PDFKit.PDFDocument, series: { date: string; total: number }[], forecast: ChartForecast | null, box: { x: number; y: number; w: number; h: number }, color: string): void {
  const { x, y, w, h } = box;
  doc.save();
  doc.lineWidth(0.5).strokeColor('#c9ced6');
  const points = forecast?.points ?? [];
  if (series.length + points.length < 2) {
    doc.fontSize(9).fillColor('#5b6470').text('Not enough history to draw.', x, y + h / 2, { width: w, align: 'center' });
    doc.restore();
    return;
  }
  const values = [...series.map((p) => p.total), ...points.flatMap((p) => [p.p95[0], p.p95[1], p.forecast])].filter(Number.isFinite);
  const max = Math.max(...values);
  const min = Math.min(0, ...values);
  const range = max - min || 1;
  const dates = [...series.map((p) => p.date), ...points.map((p) => p.date)];
  const d0 = dayOf(dates[0]);
  const span = dayOf(dates[dates.length - 1]) - d0 || 1;
  const px = (date: string) => x + 40 + ((dayOf(date) - d0) / span) * (w - 48);
  const py = (v: number) => y + h - 18 - ((v - min) / range) * (h - 28);
  // Grid and y labels.
  doc.font('Body').fontSize(7).fillColor('#5b6470');
  for (let g = 0; g <= 4; g++) {
    const v = min + (range * g) / 4;
    doc.moveTo(x + 40, py(v)).lineTo(x + w - 8, py(v)).stroke();
    doc.text(formatInteger(v), x, py(v) - 4, { width: 36, align: 'right' });
  }
  // x labels: first and last history date, first and last forecast date.
  const labels = new Set([dates[0], series.at(-1)?.date, points.at(-1)?.date].filter((d): d is string => Boolean(d)));
  for (const d of labels) doc.text(d, Math.min(Math.max(px(d) - 30, x + 10), x + w - 60), y + h - 12, { width: 60, align: 'center' });
  if (points.length > 0) {
    const area = (lo: (p: ChartForecast['points'][number]) => number, hi: (p: ChartForecast['points'][number]) => number, opacity: number) => {
      doc.moveTo(px(points[0].date), py(hi(points[0])));
      for (const p of points.slice(1)) doc.lineTo(px(p.date), py(hi(p)));
      for (const p of [...points].reverse()) doc.lineTo(px(p.date), py(lo(p)));
      doc.closePath().fillOpacity(opacity).fill(color);
    };
    area((p) => p.p95[0], (p) => p.p95[1], 0.15);
    area((p) => p.p80[0], (p) => p.p80[1], 0.3);
    doc.fillOpacity(1);
    const start = px(points[0].date);
    doc.lineWidth(0.6).strokeColor('#9aa4af').dash(3, { space: 3 }).moveTo(start, y + 4).lineTo(start, y + h - 18).stroke().undash();
  }
  // The history line, then the forecast line, each one vector path.
  if (series.length > 1) {
    doc.lineWidth(1.2).strokeColor('#5b6470');
    doc.moveTo(px(series[0].date), py(series[0].total));
    for (const p of series.slice(1)) doc.lineTo(px(p.date), py(p.total));
    doc.stroke();
  }
  if (points.length > 0) {
    doc.lineWidth(1.6).strokeColor(color);
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
  doc.font('Bold').fontSize(8.5).fillColor('#5b6470');
  header.forEach((h, i) => doc.text(h, x0 + widths.slice(0, i).reduce((a, b) => a + b, 0), y, { width: widths[i] - 6 }));
  y += 14;
  doc.font('Body').fontSize(9).fillColor('#1b1f24');
  for (const row of rows) {
    if (y > PAGE.height - PAGE.margin - 20) {
      doc.addPage();
      y = PAGE.margin;
    }
    row.forEach((cell, i) => doc.text(cell, x0 + widths.slice(0, i).reduce((a, b) => a + b, 0), y, { width: widths[i] - 6, lineBreak: false, ellipsis: true }));
    y += 13;
  }
  return y + 6;
}

export async function renderReportPdf(data: ReportData, logo?: { bytes: Buffer; type: string } | null): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: PAGE.margin, info: { Title: `${data.tenantName}: ${data.title}`, Author: 'Foresight', Subject: data.scope } });
  doc.registerFont('Body', path.join(FONT_DIR, 'DejaVuSans.ttf'));
  doc.registerFont('Bold', path.join(FONT_DIR, 'DejaVuSans-Bold.ttf'));
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const brand = data.branding.primaryColor;
  // Header band in the tenant's colour, logo when it is PNG or JPEG (pdfkit reads those).
  doc.rect(0, 0, PAGE.width, 70).fill(brand);
  let titleX = PAGE.margin;
  if (logo && (logo.type === 'image/png' || logo.type === 'image/jpeg')) {
    try {
      doc.image(logo.bytes, PAGE.margin, 15, { fit: [80, 40] });
      titleX += 92;
    } catch {
      // an unreadable logo never stops a report
    }
  }
  doc.font('Bold').fontSize(18).fillColor('#ffffff').text(data.tenantName, titleX, 18, { width: PAGE.width - titleX - PAGE.margin });
  doc.font('Body').fontSize(10).text(`${data.title} · ${data.scope} · generated ${data.generatedAt.slice(0, 16).replace('T', ' ')} UTC`, titleX, 42);
  doc.fillColor('#1b1f24');

  let y = 90;
  doc.font('Bold').fontSize(12).text(`Last 30 days: ${data.kpis.current.from} to ${data.kpis.current.to}`, PAGE.margin, y);
  y += 22;
  // The same boxes, figures and formats as the Overview page (lib/reports/data.ts dashboardFigures).
  const boxes: { title: string; value: string; note: string }[] = [];
  const vs = (cur: number, prev: number, year: number) => `vs prior period ${formatChange(cur, prev, data.kpis.previous.periods)} · vs last year ${formatChange(cur, year, data.kpis.lastYear.periods)}`;
  if (data.hasRevenue) boxes.push({ title: 'Sales (revenue)', value: formatInteger(data.kpis.current.value ?? 0), note: vs(data.kpis.current.value ?? 0, data.kpis.previous.value ?? 0, data.kpis.lastYear.value ?? 0) });
  boxes.push({ title: data.hasRevenue ? 'Units sold' : data.targetName, value: formatInteger(data.kpis.current.target), note: vs(data.kpis.current.target, data.kpis.previous.target, data.kpis.lastYear.target) });
  if (data.forecast) boxes.push({ title: `Forecast, next ${data.forecast.days} days`, value: formatInteger(data.forecast.total), note: `vs last 30 days ${formatSignedPercent(data.forecast.changeVsLast)} per day · model ${data.forecast.modelVersion}` });
  boxes.push({ title: 'Open alerts', value: String(data.alerts.open), note: data.alerts.open === 0 ? 'nothing to act on' : 'see the Alerts section' });
  const bw = (PAGE.width - 2 * PAGE.margin - 10 * (boxes.length - 1)) / boxes.length;
  boxes.forEach((b, i) => {
    const bx = PAGE.margin + i * (bw + 10);
    doc.roundedRect(bx, y, bw, 70, 6).lineWidth(1).strokeColor(brand).stroke();
    doc.font('Body').fontSize(8.5).fillColor('#5b6470').text(b.title, bx + 8, y + 7, { width: bw - 16 });
    doc.font('Bold').fontSize(15).fillColor('#1b1f24').text(b.value, bx + 8, y + 21, { width: bw - 16 });
    doc.font('Body').fontSize(7.5).fillColor('#5b6470').text(b.note, bx + 8, y + 42, { width: bw - 16 });
  });
  y += 86;
  const per = data.step === 7 ? 'week' : 'day';
  doc
    .font('Bold')
    .fontSize(12)
    .fillColor('#1b1f24')
    .text(data.forecast ? `${data.targetName} per ${per}: recent actuals and the next ${data.forecast.days} days' forecast` : `${data.targetName} per ${per}`, PAGE.margin, y);
  y += 16;
  drawForecastChart(doc, data.history, data.forecast, { x: PAGE.margin, y, w: PAGE.width - 2 * PAGE.margin, h: 170 }, brand);
  y += 172;
  doc
    .font('Body')
    .fontSize(8)
    .fillColor('#5b6470')
    .text(data.forecast ? `Grey: actuals. Line: forecast of ${data.forecast.modelVersion} (generated ${data.forecast.generatedAt.slice(0, 16).replace('T', ' ')} UTC); shaded: its 80% and 95% intervals.` : 'No model is in production yet: the chart shows actuals only.', PAGE.margin, y, { width: PAGE.width - 2 * PAGE.margin });
  y = doc.y + 12;

  doc.font('Bold').fontSize(12).fillColor('#1b1f24').text('Model accuracy', PAGE.margin, y);
  y += 16;
  doc.font('Body').fontSize(9.5);
  doc.text(
    data.model
      ? `Production model ${data.model.id} (${data.model.algorithm}): hold-out WAPE ${formatPercent(data.model.metrics.wape)} against ${formatPercent(data.model.baselineMetrics.wape)} for the seasonal-naive baseline; trained on ${data.model.trainingWindow.from} to ${data.model.trainingWindow.to}.`
      : 'No model is in production yet: forecasts and their accuracy appear here once one is trained.',
    PAGE.margin,
    y,
    { width: PAGE.width - 2 * PAGE.margin },
  );
  y = doc.y + 14;

  const section = (title: string, need = 120) => {
    if (y > PAGE.height - need) {
      doc.addPage();
      y = PAGE.margin;
    }
    doc.font('Bold').fontSize(12).fillColor('#1b1f24').text(title, PAGE.margin, y);
    y += 16;
  };
  if (data.growthProducts.length > 0) {
    section('Top products by forecast growth, next month against the last');
    y = table(
      doc,
      ['Product', 'Category', 'Last month', 'Next month', 'Growth'],
      data.growthProducts.map((p) => [p.name ? `${p.item} ${p.name}` : p.item, p.category ?? '—', formatInteger(p.previous), formatInteger(p.forecast), formatSignedPercent(p.growth)]),
      [190, 110, 70, 70, 60],
      y,
    );
  }
  if (data.topProducts.length > 0) {
    section('Best sellers, last 30 days');
    y = table(
      doc,
      ['Product', data.targetName, 'Share', 'vs prior'],
      data.topProducts.map((p) => [p.label, formatInteger(p.current), formatPercent(p.share), formatSignedPercent(p.change)]),
      [260, 100, 70, 70],
      y,
    );
  }
  if (data.stores.length > 0) {
    section('Stores, last 30 days');
    y = table(
      doc,
      ['Store', data.targetName, 'Share', 'vs prior'],
      data.stores.slice(0, 20).map((s) => [s.store, formatInteger(s.current), formatPercent(s.share), formatSignedPercent(s.change)]),
      [260, 100, 70, 70],
      y,
    );
  }
  section(`Alerts (${data.alerts.open} open)`, 100);
  doc
    .font('Body')
    .fontSize(9.5)
    .text(data.alerts.recent.length === 0 ? 'No open alerts.' : data.alerts.recent.map((a) => `${a.at.slice(0, 10)} [${a.severity}] ${a.title}: ${a.message}`).join('\n'), PAGE.margin, y, { width: PAGE.width - 2 * PAGE.margin });
  doc.end();
  return done;
}
