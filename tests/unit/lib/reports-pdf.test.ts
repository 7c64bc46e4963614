import { describe, it, expect, vi, afterEach } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderPdf, renderReportPdf } from '@/lib/reports/pdf';
import { corruptIdat, jpegBytes, pngBytes } from '../../support/images';
import { reportData } from './support/report-data';

afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs a poppler tool on the PDF (from a file: pdfimages does not read stdin). */
function poppler(tool: string, args: string[], pdf: Buffer): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'foresight-pdf-')), 'report.pdf');
  fs.writeFileSync(file, pdf);
  const r = spawnSync(tool, [...args, file, ...(tool === 'pdftotext' ? ['-'] : [])]);
  if (r.status !== 0) throw new Error(`${tool} failed: ${r.stderr}`);
  return r.stdout.toString('utf8');
}

const pdfText = (pdf: Buffer) => poppler('pdftotext', ['-layout'], pdf);
/** Images drawn on the pages (pdfimages lists an RGBA PNG as an image and its soft mask). */
const images = (pdf: Buffer) => poppler('pdfimages', ['-list'], pdf).split('\n').filter((l) => /^\s*\d+\s+\d+\s+image\b/.test(l)).length;
const pages = (pdf: Buffer) => Number(/^Pages:\s+(\d+)/m.exec(poppler('pdfinfo', [], pdf))?.[1]);

describe('PDF reports never hang', () => {
  it('the report of a tenant whose stored logo is damaged still renders, without the logo, logged once', { timeout: 15_000 }, async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const sound = await renderReportPdf(reportData(), { bytes: pngBytes(40, 20), type: 'image/png' }, { tenantId: 'shop' });
    expect(images(sound)).toBe(1);
    expect(images(await renderReportPdf(reportData(), { bytes: jpegBytes(), type: 'image/jpeg' }, { tenantId: 'shop' }))).toBe(1);
    expect(warn).not.toHaveBeenCalled();

    // RGBA: the form pdfkit inflates itself, in a callback whose error hung the request.
    const pdf = await renderReportPdf(reportData(), { bytes: corruptIdat(pngBytes(40, 20)), type: 'image/png' }, { tenantId: 'shop' });
    const text = pdfText(pdf);
    expect(text).toContain('Acme Stores');
    expect(text).toContain('Best sellers, last 30 days');
    expect(images(pdf)).toBe(0);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/logo of tenant shop .*damaged/);
  });

  it('hostile tenant, store and item names (markup, controls, bidi overrides, glyphs DejaVu lacks) render and read back sanitised', { timeout: 15_000 }, async () => {
    const controls = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('') + '\u007f\u0085\u009b';
    const hostile = `<script>alert(1)</script>${controls}\u202eEvil\u200b\u2066 \ud800 💩 店舗 Ж`;
    const pdf = await renderReportPdf(reportData({ tenant: hostile, store: hostile, item: hostile, target: hostile }));
    const text = pdfText(pdf);
    // Markup is printed as the literal text it is.
    expect(text).toContain('<script>alert(1)</script>');
    // No control, bidi or zero-width character reaches the page (pdftotext's own \n and \f aside).
    const invisible = [...text].filter((c) => {
      const cp = c.codePointAt(0)!;
      return (cp < 0x20 && c !== '\n' && c !== '\f') || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp === 0xfeff;
    });
    expect(invisible.map((c) => c.codePointAt(0)!.toString(16))).toEqual([]);
    // The emoji and the CJK DejaVu Sans has no glyph for, and the lone surrogate, become U+FFFD;
    // Cyrillic, which it has, prints.
    expect(text).not.toMatch(/💩|店|舗/u);
    expect(text).toContain('Evil \uFFFD \uFFFD \uFFFD\uFFFD Ж');
    expect(pages(pdf)).toBe(1);
  });

  it('a 10,000-character name is cut with an ellipsis and does not keep the server busy', { timeout: 15_000 }, async () => {
    const long = `Long${'L'.repeat(10_000)}`;
    const started = Date.now();
    const pdf = await renderReportPdf(reportData({ tenant: long, store: long, item: long }));
    expect(Date.now() - started).toBeLessThan(5_000);
    const text = pdfText(pdf);
    expect(text).toContain('LongLLL');
    expect(text).toContain('…');
    // Every line fits the page: no run of the name is longer than a line of the page can hold.
    expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThan(200);
    expect(pages(pdf)).toBe(1);
  });
});

describe('renderPdf', () => {
  it('rejects when the document reports an error asynchronously while it streams', async () => {
    const pdf = renderPdf({}, (doc) => {
      doc.text('first page');
      doc.addPage().text('second page');
      // An object still being written when the draw returns, whose writer then fails (as pdfkit's
      // PNG decoder or zlib do), reported through the stream after some output has gone out.
      doc.ref({});
      setTimeout(() => doc.emit('error', new Error('Z_DATA_ERROR: invalid distance too far back')), 20);
    });
    await expect(pdf).rejects.toThrow('Z_DATA_ERROR');
  });

  it('rejects when the drawing throws after an await, mid-document', async () => {
    const pdf = renderPdf({}, async (doc) => {
      doc.text('first page');
      await new Promise((resolve) => setImmediate(resolve));
      throw new Error('fontkit: glyph lookup failed');
    });
    await expect(pdf).rejects.toThrow('glyph lookup failed');
  });

  it('rejects after its timeout when the document never finishes, and a late error afterwards is not thrown', async () => {
    let document: PDFKit.PDFDocument | undefined;
    const started = Date.now();
    const pdf = renderPdf(
      {},
      (doc) => {
        document = doc;
        doc.text('never finished');
        doc.ref({}); // never ended: the document cannot end either
      },
      { timeoutMs: 300 },
    );
    await expect(pdf).rejects.toThrow('not finished after 300 ms');
    expect(Date.now() - started).toBeLessThan(5_000);
    // An 'error' event nobody listened to would be thrown here (and, in the server, kill the process).
    expect(() => document!.emit('error', new Error('late'))).not.toThrow();
  });

  it('resolves with the PDF when all goes well', async () => {
    const pdf = await renderPdf({}, (doc) => void doc.text('hello'));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });
});
