// The few plotly.js calls the UI makes (the basic bundle ships no types).
declare module 'plotly.js-basic-dist-min' {
  export interface Trace {
    x: number[];
    y: number[];
    name: string;
    type: 'scatter';
    mode: 'lines';
    line?: { color?: string; width?: number; dash?: string };
    fill?: 'tozeroy' | 'none';
  }
  const Plotly: {
    react(el: HTMLElement, data: Trace[], layout: Record<string, unknown>, config: Record<string, unknown>): Promise<void>;
    purge(el: HTMLElement): void;
    Plots: { resize(el: HTMLElement): Promise<void> };
  };
  export default Plotly;
}
