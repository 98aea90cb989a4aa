/**
 * Coloured maps of a video's frames, made when first shown and kept: one canvas per (clip, slot)
 * at the model's input size, in the one colour range of the video (clip-maps.ts videoRange). A new
 * set of maps, colour map or range makes a new cache (the view derives it), so nothing goes stale.
 */
import type { Geometry } from '../../../../shared/api.ts';
import type { TableName } from '../../../../shared/colormaps.ts';
import { colourMap } from '../maps.ts';
import { mapSlice } from './clip-maps.ts';

export class OverlayCache {
  private readonly made = new Map<string, HTMLCanvasElement>();

  constructor(
    /** One [T,H,W] map per clip (an entry may be missing while a job runs). */
    private readonly maps: readonly (Float32Array | undefined)[],
    private readonly dims: readonly [number, number, number],
    private readonly geometry: Geometry,
    /** A map's colour map, or viridis for σ (components/video/SigmaToggle.svelte). */
    private readonly colormap: TableName,
    readonly range: [number, number],
  ) {}

  /** The coloured map of clip `clip`'s sampled frame `slot`, with where it sits on the frame. */
  get(clip: number, slot: number): { canvas: HTMLCanvasElement; geometry: Geometry } | undefined {
    const map = this.maps[clip];
    if (!map || slot < 0 || slot >= this.dims[0]) return undefined;
    const key = `${clip}:${slot}`;
    let canvas = this.made.get(key);
    if (!canvas) {
      canvas = colourMap(mapSlice(map, this.dims, slot), this.geometry, this.colormap, this.range);
      this.made.set(key, canvas);
    }
    return { canvas, geometry: this.geometry };
  }
}

/**
 * A strip of `count` thumbnails of evenly spaced frames, drawn from a second <video> of the same
 * source (the players' own element is never moved for it): seeks one after the other, each to its
 * frame's midpoint. Resolves with the strip; stops early when `signal` aborts (a new video).
 */
export async function thumbnailStrip(src: string, seekTimes: number[], aspect: number, signal: AbortSignal, height = 44): Promise<HTMLCanvasElement | undefined> {
  const video = document.createElement('video');
  video.muted = true;
  video.preload = 'auto';
  video.src = src;
  const strip = document.createElement('canvas');
  const w = Math.max(1, Math.round(height * aspect));
  strip.width = w * seekTimes.length;
  strip.height = height;
  const ctx = strip.getContext('2d')!;
  const once = (event: string) =>
    new Promise<void>((resolve, reject) => {
      video.addEventListener(event, () => resolve(), { once: true });
      video.addEventListener('error', () => reject(new Error('thumbnail video failed')), { once: true });
    });
  try {
    await once('loadeddata');
    for (let i = 0; i < seekTimes.length; i++) {
      if (signal.aborted) return undefined;
      const seeked = once('seeked');
      video.currentTime = seekTimes[i];
      await seeked;
      ctx.drawImage(video, i * w, 0, w, height);
    }
    return strip;
  } catch {
    return undefined; // thumbnails are a convenience: the players still work without them
  } finally {
    video.removeAttribute('src');
    video.load();
  }
}
