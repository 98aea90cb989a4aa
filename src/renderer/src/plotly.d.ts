// The few plotly.js calls the UI makes (the basic bundle ships no types).
declare module 'plotly.js-basic-dist-min' {
  export interface Trace {
    x: number[];
    y: number[];
    name: string;
    type: 'scatter';
    mode: 'lines' | 'lines+markers';
    text?: string[];
    hovertemplate?: string;
    marker?: { size?: number; color?: string };
    line?: { color?: string; width?: number; dash?: string };
    fill?: 'tozeroy' | 'none';
  }
  const Plotly: {
    react(el: HTMLElement, data: Trace[], layout: Record<string, unknown>, config: Record<string, unknown>): Promise<void>;
    purge(el: HTMLElement): void;
    Plots: { resize(el: HTMLElement): Promise<void> };
  };
  /** The plot's div after Plotly.react: hover and click events name the trace and the point. */
  export interface PlotPoint {
    curveNumber: number;
    pointIndex: number;
  }
  export type PlotDiv = HTMLElement & { on(event: 'plotly_hover' | 'plotly_click', handler: (e: { points: PlotPoint[] }) => void): void };
  export default Plotly;
}
