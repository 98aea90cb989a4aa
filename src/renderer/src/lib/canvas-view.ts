/**
 * What every zoomable panel (MapCanvas for photos, video/FrameCanvas for frames) does the same
 * way: mouse positions in canvas pixels, wheel zoom about the pointer, drag to pan, and the hatch
 * that marks what the model never saw. The zoom and pan arithmetic is DOM-free, in zoom-pan.ts.
 */

/** The pointer in canvas pixels (the canvas is drawn at its own width, shown at the CSS width). */
export function canvasPoint(canvas: HTMLCanvasElement, e: MouseEvent): [number, number] {
  const rect = canvas.getBoundingClientRect();
  return [((e.clientX - rect.left) * canvas.width) / rect.width, ((e.clientY - rect.top) * canvas.height) / rect.height];
}

const hatches = new WeakMap<CanvasRenderingContext2D, CanvasPattern | null>();

/** Diagonal hatching, one pattern per context (a plain dark fill where patterns are unavailable). */
export function hatchFill(ctx: CanvasRenderingContext2D): CanvasPattern | string {
  if (!hatches.has(ctx)) {
    const tile = document.createElement('canvas');
    tile.width = tile.height = 8;
    const t = tile.getContext('2d')!;
    t.fillStyle = 'rgba(20,20,20,0.55)';
    t.fillRect(0, 0, 8, 8);
    t.strokeStyle = 'rgba(255,255,255,0.5)';
    t.beginPath();
    t.moveTo(0, 8);
    t.lineTo(8, 0);
    t.stroke();
    hatches.set(ctx, ctx.createPattern(tile, 'repeat'));
  }
  return hatches.get(ctx) ?? 'rgba(0,0,0,0.5)';
}

/** Hatches a width × height picture outside the window the model saw (what the crop cut away). */
export function hatchOutside(ctx: CanvasRenderingContext2D, width: number, height: number, w: { x: number; y: number; w: number; h: number }): void {
  ctx.beginPath();
  ctx.rect(0, 0, width, height);
  ctx.rect(w.x, w.y, w.w, w.h);
  ctx.fillStyle = hatchFill(ctx);
  ctx.fill('evenodd');
}
