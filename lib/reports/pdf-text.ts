/**
 * Text as a PDF can draw it. Names come from tenants' CSV files and settings, so a report may be
 * asked to print anything: markup, control characters, bidirectional overrides, zero-width
 * characters, lone surrogates, emoji or CJK the font lacks, or a 10,000-character product name
 * (pdfkit's ellipsis shortens a cell one character at a time, re-measuring the rest each time,
 * so such a name used to keep the server busy for minutes). Every text a report draws goes
 * through `pdfSafeText` first (lib/reports/pdf.ts `write`).
 */

/** What `pdfSafeText` asks of the font: fontkit's Font answers this from its cmap. */
export interface GlyphCoverage {
  hasGlyphForCodePoint(codePoint: number): boolean;
}

/** Drawn in place of a character the font has no glyph for, or of one that is no character. */
export const REPLACEMENT = '\uFFFD';
export const ELLIPSIS = '\u2026';

/** Longest text of one line (a name, a table cell, a title), in characters, before it is cut with an ellipsis. */
export const MAX_LINE_CHARS = 160;

// Tab, line breaks and the other spaces become one plain space.
const SPACE = /^[\t\n\v\f\r\u0085\p{Zs}\p{Zl}\p{Zp}]$/u;
// Controls (C0, DEL, C1) and format characters (bidi embeddings, overrides and isolates, zero-width
// spaces and joiners, the BOM, soft hyphens, tags) are dropped: they are invisible or reorder text.
const INVISIBLE = /^[\p{Cc}\p{Cf}]$/u;
// Lone surrogates, private-use and unassigned code points have no meaning a reader could see.
const NOT_A_CHARACTER = /^[\p{Cs}\p{Co}\p{Cn}]$/u;

/**
 * `value` as one line the font can draw: controls and format characters removed, white space
 * collapsed to single spaces and trimmed, characters the font lacks (and lone surrogates)
 * replaced by U+FFFD (or "?" when the font lacks that too), cut to `maxChars` characters with an
 * ellipsis. Markup stays literal text: a PDF does not interpret it.
 */
export function pdfSafeText(value: string, font: GlyphCoverage, maxChars = MAX_LINE_CHARS): string {
  const replacement = font.hasGlyphForCodePoint(REPLACEMENT.codePointAt(0)!) ? REPLACEMENT : '?';
  const ellipsis = font.hasGlyphForCodePoint(ELLIPSIS.codePointAt(0)!) ? ELLIPSIS : '...';
  // Bound the work before anything else: no more than a few code units per character kept.
  const bounded = value.length > maxChars * 4 + 16 ? value.slice(0, maxChars * 4 + 16) : value;
  let out = '';
  let count = 0;
  let pendingSpace = false;
  for (const ch of bounded.normalize('NFC')) {
    if (SPACE.test(ch)) {
      pendingSpace = count > 0;
      continue;
    }
    if (INVISIBLE.test(ch)) continue;
    if (count >= maxChars) return out + ellipsis;
    if (pendingSpace) {
      out += ' ';
      pendingSpace = false;
    }
    out += NOT_A_CHARACTER.test(ch) || !font.hasGlyphForCodePoint(ch.codePointAt(0)!) ? replacement : ch;
    count++;
  }
  return value.length > bounded.length ? out + ellipsis : out;
}
