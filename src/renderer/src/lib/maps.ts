import type { Geometry } from '../../../shared/api.ts';
import { colormapTable, type ColormapName, type TableName } from '../../../shared/colormaps.ts';

export type ColormapChoice = 'auto' | ColormapName;
/** How the colour-map picker names each map (every map the engine has gets a name here). */
export const COLORMAP_LABELS: Record<ColormapName, string> = { turbo: 'turbo', jet: 'jet', diverging: 'blue–white–red' };
export { ranges, type Normalisation } from './normalise.ts';

/** turbo for ordinary maps, blue–white–red for signed ones, unless the user picked a map. */
export function colormapFor(choice: ColormapChoice, signed: boolean): ColormapName {
  return choice === 'auto' ? (signed ? 'diverging' : 'turbo') : choice;
}

/** The map coloured into a canvas of the model's input size (drawn onto the photo later). */
export function colourMap(map: Float32Array, g: Geometry, colormap: TableName, range: [number, number]): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = g.width;
  canvas.height = g.height;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(g.width, g.height);
  const table = colormapTable(colormap);
  const [lo, hi] = range;
  const span = hi - lo || 1;
  for (let i = 0; i < map.length; i++) {
    const t = Math.round(Math.min(Math.max((map[i] - lo) / span, 0), 1) * 255);
    img.data[i * 4] = table[t * 3];
    img.data[i * 4 + 1] = table[t * 3 + 1];
    img.data[i * 4 + 2] = table[t * 3 + 2];
    img.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  return canvas;
}

/** The model's input window in photo pixels (the inverse of resize + centre crop). */
export function inputWindow(g: Geometry): { x: number; y: number; w: number; h: number; sx: number; sy: number } {
  const sx = g.photoWidth / g.resizedWidth;
  const sy = g.photoHeight / g.resizedHeight;
  return { x: g.cropLeft * sx, y: g.cropTop * sy, w: g.width * sx, h: g.height * sy, sx, sy };
}

export function formatEta(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  const s = Math.ceil(ms / 1000);
  return s < 60 ? `about ${s} s left` : `about ${Math.floor(s / 60)} min ${s % 60} s left`;
}

/** What a VOC XML says it annotates: `<filename>` and `<size>` (absent fields undefined). */
export function vocPhoto(xml: string): { filename?: string; width?: number; height?: number } {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  const text = (sel: string) => doc.querySelector(sel)?.textContent?.trim() || undefined;
  const num = (sel: string) => (text(sel) === undefined ? undefined : Number(text(sel)));
  return { filename: text('annotation > filename'), width: num('annotation > size > width'), height: num('annotation > size > height') };
}

export type { View } from './zoom-pan.ts';
