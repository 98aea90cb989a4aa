import sharp from 'sharp';
import type { RgbImage } from '../image/decode.ts';
import { mapToPhoto, type InputGeometry } from '../image/preprocess.ts';
import { colormapTable, mapRange, type ColormapName } from './colormap.ts';

export interface OverlayOptions {
  colormap?: ColormapName;
  /** Opacity of the map over the photo, 0..1. */
  opacity?: number;
  /** Draw signed maps symmetric about 0 (use with the diverging colour map). */
  symmetric?: boolean;
  title?: string;
}

const BAR_WIDTH = 18;
const BAR_MARGIN = 70;

/**
 * The map carried back onto the photo at the photo's own resolution, with a colour bar.
 * Parts of the photo the model never saw (cut by the centre crop) are hatched, not coloured,
 * because the model has no saliency for them.
 */
export async function renderOverlay(photo: RgbImage, map: Float32Array, geometry: InputGeometry, options: OverlayOptions = {}): Promise<Buffer> {
  const { colormap = 'turbo', opacity = 0.5, symmetric = false } = options;
  const { values, seen } = mapToPhoto(map, geometry);
  const [lo, hi] = mapRange(map, symmetric);
  const table = colormapTable(colormap);
  const W = photo.width;
  const H = photo.height;
  const outW = W + BAR_MARGIN;
  const rgb = Buffer.alloc(outW * H * 3, 255);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const o = (y * outW + x) * 3;
      if (seen[i]) {
        const t = Math.min(Math.max((values[i] - lo) / (hi - lo), 0), 1);
        const ci = Math.round(t * 255) * 3;
        for (let c = 0; c < 3; c++) rgb[o + c] = Math.round(photo.data[i * 3 + c] * (1 - opacity) + table[ci + c] * opacity);
      } else {
        const stripe = (x + y) % 12 < 2;
        for (let c = 0; c < 3; c++) rgb[o + c] = stripe ? 90 : Math.round(photo.data[i * 3 + c] * 0.45);
      }
    }
  }
  // Colour bar: top = high.
  const barTop = Math.round(H * 0.1);
  const barHeight = Math.max(8, H - 2 * barTop);
  for (let y = 0; y < barHeight; y++) {
    const ci = Math.round((1 - y / (barHeight - 1)) * 255) * 3;
    for (let x = W + 8; x < W + 8 + BAR_WIDTH; x++) {
      const o = ((barTop + y) * outW + x) * 3;
      for (let c = 0; c < 3; c++) rgb[o + c] = table[ci + c];
    }
  }
  const fmt = (v: number) => (Math.abs(v) >= 100 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1) : v.toFixed(2));
  const text = (y: number, s: string) => `<text x="${W + 8 + BAR_WIDTH + 3}" y="${y}" font-family="sans-serif" font-size="11" fill="#000">${escapeXml(s)}</text>`;
  const svg = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${outW}" height="${H}">` +
      text(barTop + 10, fmt(hi)) +
      text(barTop + barHeight, fmt(lo)) +
      (seen.includes(0) ? `<text x="${W + 4}" y="${H - 18}" font-family="sans-serif" font-size="10" fill="#333">hatched:</text><text x="${W + 4}" y="${H - 6}" font-family="sans-serif" font-size="10" fill="#333">not seen</text>` : '') +
      (options.title
        ? `<rect x="0" y="0" width="${Math.min(W, 8 + options.title.length * 7.5)}" height="22" fill="#000" fill-opacity="0.6"/><text x="6" y="16" font-family="sans-serif" font-size="13" fill="#fff">${escapeXml(options.title)}</text>`
        : '') +
      `</svg>`,
  );
  return sharp(rgb, { raw: { width: outW, height: H, channels: 3 } })
    .composite([{ input: svg, top: 0, left: 0 }])
    .png()
    .toBuffer();
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
