// The part of plotly.js-dist-min's API the app uses (the package ships no types).
declare module 'plotly.js-dist-min' {
  export interface PlotlyData {
    x?: readonly (string | number)[];
    y?: readonly (string | number)[];
    z?: readonly (readonly number[])[];
    type?: 'scatter' | 'bar' | 'heatmap' | 'box';
    mode?: string;
    name?: string;
    fill?: string;
    line?: Record<string, unknown>;
    marker?: Record<string, unknown>;
    hovertemplate?: string;
    showlegend?: boolean;
    [key: string]: unknown;
  }
  export type PlotlyLayout = Record<string, unknown>;
  export type PlotlyConfig = Record<string, unknown>;
  export function react(el: HTMLElement, data: PlotlyData[], layout?: PlotlyLayout, config?: PlotlyConfig): Promise<HTMLElement>;
  export function purge(el: HTMLElement): void;
  const Plotly: { react: typeof react; purge: typeof purge };
  export default Plotly;
}
