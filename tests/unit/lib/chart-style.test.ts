import { describe, it, expect } from 'vitest';
import { axisNumber, baseLayout, DEFAULT_PALETTE, layoutHasTitle, mergeLayout, niceTicks, PLOT_CONFIG, withAlpha } from '@/lib/chart-style';

describe('the shared chart style', () => {
  it('labels a PDF axis with a few round values in short form', () => {
    expect(niceTicks(0, 68_890_315, 4)).toEqual([0, 20e6, 40e6, 60e6, 80e6]);
    expect(niceTicks(41_000_000, 69_000_000, 4)).toEqual([40e6, 50e6, 60e6, 70e6]);
    expect(niceTicks(0, 7.3, 4)).toEqual([0, 2, 4, 6, 8]);
    expect(['68,890,315', 68_890_315, 60e6, 12_500, 950, 1.5, -2e6].map((v) => axisNumber(Number(String(v).replace(/,/g, ''))))).toEqual(['68.9M', '68.9M', '60M', '12.5K', '950', '1.5', '-2M']);
  });

  it('puts the legend above the plot (never over rotated labels), hides the mode bar and merges a chart layout into it', () => {
    const base = baseLayout(DEFAULT_PALETTE, 300, false);
    expect(base.legend).toMatchObject({ orientation: 'h', y: 1.02, yanchor: 'bottom' });
    expect(PLOT_CONFIG.displayModeBar).toBe(false);
    const merged = mergeLayout(baseLayout(DEFAULT_PALETTE, 300, true), { title: 'Sales', xaxis: { title: { text: 'Date' } }, yaxis: { type: 'log' } });
    expect(merged.title).toMatchObject({ text: 'Sales', x: 0 });
    expect(merged.xaxis).toEqual({ gridcolor: DEFAULT_PALETTE.grid, automargin: true, title: { text: 'Date' } });
    expect(merged.yaxis).toMatchObject({ gridcolor: DEFAULT_PALETTE.grid, type: 'log' });
    expect(layoutHasTitle({ title: { text: ' ' } })).toBe(false);
    expect(withAlpha('#0a7d3b', 0.3)).toBe('rgba(10,125,59,0.3)');
    expect(withAlpha('#abc', 1)).toBe('rgba(170,187,204,1)');
  });
});
