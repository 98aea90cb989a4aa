/** The panels' zoom and pan arithmetic, without the DOM (lib/canvas-view.ts draws and reads pointers). */

/** Zoom and pan shared by the three panels (canvas pixels; zoom 1 = the photo fits). */
export interface View {
  zoom: number;
  x: number;
  y: number;
}

/** The view after a wheel step at canvas point (cx, cy): zoom 1–16×, the point under the pointer kept. */
export function zoomedAt(view: View, cx: number, cy: number, deltaY: number): View {
  const zoom = Math.min(Math.max(view.zoom * Math.exp(-deltaY * 0.0015), 1), 16);
  const k = zoom / view.zoom;
  return { zoom, x: cx - (cx - view.x) * k, y: cy - (cy - view.y) * k };
}

/** Where a drag started: the canvas point and the view's offset then. */
export interface DragStart {
  x: number;
  y: number;
  vx: number;
  vy: number;
}

/** The view panned by a drag from `from` to canvas point (x, y). */
export function pannedTo(view: View, from: DragStart, x: number, y: number): View {
  return { zoom: view.zoom, x: from.vx + x - from.x, y: from.vy + y - from.y };
}
