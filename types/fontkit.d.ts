// The part of fontkit's API the app uses (the package ships no types). pdfkit draws with fontkit;
// lib/reports/pdf.ts asks the same fonts which characters they can draw.
declare module 'fontkit' {
  export interface Font {
    readonly postscriptName: string;
    /** Whether the font's cmap maps the code point to a glyph. */
    hasGlyphForCodePoint(codePoint: number): boolean;
  }
  export interface FontCollection {
    readonly fonts: Font[];
  }
  export function create(buffer: Uint8Array, postscriptName?: string): Font | FontCollection;
}
