import path from 'node:path';
import PDFDocument from 'pdfkit';
import { formatChange, formatInteger, formatPercent } from '../format';
import type { ReportData } from './data';

/**
 * Branded PDF reports (SPEC 14) drawn with pdfkit: the tenant's name, colours and logo, KPI boxes,
 * a vector chart of the recent history, top products, stores, model accuracy and alerts. Text is
 * set in DejaVu Sans so Cyrillic product names print.
 */
const FONT_DIR = path.join(/*turbopackIgnore: true*/ process.cwd(), 'node_modules', 'dejavu-fonts-ttf', 'ttf');
const PAGE = { margin: 48, width: 595.28, height: 841.89 };

function drawLineChart(doc: PDFKit.PDFDocument, series: { date: string; total: number }[], box: { x: number; y: number; w: number; h: number }, color: string): void {
  const { x, y, w, h } = box;
  doc.save();
  doc.lineWidth(0.5).strokeColor('#c9ced6');
  if (series.length < 2) {
    doc.fontSize(9).fillColor('#5b6470').text('Not enough history to draw.', x, y + h / 2, { width: w, align: 'center' });
    doc.restore();
    return;
  }
  const values = series.map((p) => p.total);
  const max = Math.max(...values);
  const min = Math.min(0, ...values);
  const range = max - min || 1;
  const px = (i: number) => x + 40 + (i / (series.length - 1)) * (w - 48);
  const py = (v: number) => y + h - 18 - ((v - min) / range) * (h - 28);
  // Grid and y labels.
  doc.font('Body').fontSize(7).fillColor('#5b6470');
  for (let g = 0; g <= 4; g++) {
    const v = min + (range * g) / 4;
    doc.moveTo(x + 40, py(v)).lineTo(x + w - 8, py(v)).stroke();
    doc.text(formatInteger(v), x, py(v) - 4, { width: 36, align: 'right' });
  }
  // x labels: first, middle, last date.
  for (const i of [0, Math.floor((series.length - 1) / 2), series.length - 1]) doc.text(series[i].date, px(i) - 30, y + h - 12, { width: 60, align: 'center' });
  // The line itself, as one vector path.
  doc.lineWidth(1.4).strokeColor(color);
  doc.moveTo(px(0), py(values[0]));
  for (let i = 1; i < values.length; i++) doc.lineTo(px(i), py(values[i]));
  doc.stroke();
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
  const boxes: { title: string; value: number; prev: number; year: number; prevN: number; yearN: number }[] = [];
  if (data.hasRevenue) boxes.push({ title: 'Sales (revenue)', value: data.kpis.current.value ?? 0, prev: data.kpis.previous.value ?? 0, year: data.kpis.lastYear.value ?? 0, prevN: data.kpis.previous.periods, yearN: data.kpis.lastYear.periods });
  boxes.push({ title: data.hasRevenue ? 'Units sold' : data.targetName, value: data.kpis.current.target, prev: data.kpis.previous.target, year: data.kpis.lastYear.target, prevN: data.kpis.previous.periods, yearN: data.kpis.lastYear.periods });
  const bw = (PAGE.width - 2 * PAGE.margin - 12 * (boxes.length - 1)) / boxes.length;
  boxes.forEach((b, i) => {
    const bx = PAGE.margin + i * (bw + 12);
    doc.roundedRect(bx, y, bw, 62, 6).lineWidth(1).strokeColor(brand).stroke();
    doc.font('Body').fontSize(9).fillColor('#5b6470').text(b.title, bx + 10, y + 8);
    doc.font('Bold').fontSize(16).fillColor('#1b1f24').text(formatInteger(b.value), bx + 10, y + 22);
    doc.font('Body').fontSize(8.5).fillColor('#5b6470').text(`vs prior period ${formatChange(b.value, b.prev, b.prevN)} · vs last year ${formatChange(b.value, b.year, b.yearN)}`, bx + 10, y + 44, { width: bw - 20 });
  });
  y += 80;
  doc.font('Bold').fontSize(12).fillColor('#1b1f24').text(`${data.targetName} per ${data.history.length > 60 ? 'day' : 'period'}`, PAGE.margin, y);
  y += 16;
  drawLineChart(doc, data.history, { x: PAGE.margin, y, w: PAGE.width - 2 * PAGE.margin, h: 170 }, brand);
  y += 184;

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

  if (data.topProducts.length > 0) {
    doc.font('Bold').fontSize(12).text('Top products, last 30 days', PAGE.margin, y);
    y = table(
      doc,
      ['Product', data.targetName, 'Share', 'vs prior'],
      data.topProducts.map((p) => [p.label, formatInteger(p.current), formatPercent(p.share), p.change === null ? '—' : `${p.change >= 0 ? '+' : ''}${(p.change * 100).toFixed(1)}%`]),
      [260, 100, 70, 70],
      y + 16,
    );
  }
  if (data.stores.length > 0) {
    if (y > PAGE.height - 160) {
      doc.addPage();
      y = PAGE.margin;
    }
    doc.font('Bold').fontSize(12).text('Stores, last 30 days', PAGE.margin, y);
    y = table(
      doc,
      ['Store', data.targetName, 'Share', 'vs prior'],
      data.stores.slice(0, 20).map((s) => [s.store, formatInteger(s.current), formatPercent(s.share), s.change === null ? '—' : `${s.change >= 0 ? '+' : ''}${(s.change * 100).toFixed(1)}%`]),
      [260, 100, 70, 70],
      y + 16,
    );
  }
  if (y > PAGE.height - 100) {
    doc.addPage();
    y = PAGE.margin;
  }
  doc.font('Bold').fontSize(12).text('Alerts', PAGE.margin, y);
  doc.font('Body').fontSize(9.5).text(data.alerts.length === 0 ? 'No open alerts.' : data.alerts.map((a) => `${a.at.slice(0, 10)} [${a.severity}] ${a.message}`).join('\n'), PAGE.margin, y + 16, { width: PAGE.width - 2 * PAGE.margin });
  doc.end();
  return done;
}
