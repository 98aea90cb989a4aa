/**
 * The explain view's boxes, each with the label it is drawn with: a VOC object's class name, or
 * "box 1", "box 2"… for a box drawn by hand (the user may type another). DOM-free (unit-tested
 * under the root type-check). A VOC annotation's objects are read the way the engine reads them
 * (engine/metrics/voc.ts: `<object>` blocks, the first `<name>` and `<bndbox>` in each), so box i
 * here is object i there; removing one cuts that `<object>` out of the XML that is scored.
 */
import type { PhotoBox } from '../../../shared/api.ts';

export interface LabelledBox {
  box: PhotoBox;
  label: string;
  /** From the VOC XML (its class name, scored by class) or drawn by hand. */
  from: 'voc' | 'drawn';
}

const OBJECT = /<object>([\s\S]*?)<\/object>/g;
const tag = (s: string, name: string) => s.match(new RegExp(`<${name}>\\s*([^<]*?)\\s*</${name}>`))?.[1];

/** Each `<object>` of a VOC XML with a name and a valid box, in file order, as [x0, y0, x1, y1) photo pixels. */
export function vocObjects(xml: string): LabelledBox[] {
  const found: LabelledBox[] = [];
  for (const [, body] of xml.matchAll(OBJECT)) {
    const name = tag(body!, 'name');
    const bnd = body!.match(/<bndbox>([\s\S]*?)<\/bndbox>/)?.[1];
    if (!name || !bnd) continue;
    const [xmin, ymin, xmax, ymax] = ['xmin', 'ymin', 'xmax', 'ymax'].map((k) => Number(tag(bnd, k))) as [number, number, number, number];
    if (![xmin, ymin, xmax, ymax].every(Number.isFinite) || xmax < xmin || ymax < ymin) continue;
    found.push({ box: [xmin - 1, ymin - 1, xmax, ymax], label: name, from: 'voc' });
  }
  return found;
}

/** True when every `<object>` of the XML has a name and a valid box (then object i is box i). */
export function vocObjectsComplete(xml: string): boolean {
  return [...xml.matchAll(OBJECT)].length === vocObjects(xml).length;
}

/** The XML without its `index`-th `<object>` (and the line it stood on); the rest byte for byte. */
export function withoutVocObject(xml: string, index: number): string {
  let i = 0;
  for (const m of xml.matchAll(OBJECT)) {
    if (i++ !== index) continue;
    let start = m.index;
    let end = start + m[0].length;
    // Take the object's own indentation and line break with it.
    while (start > 0 && (xml[start - 1] === ' ' || xml[start - 1] === '\t')) start--;
    if (xml[end] === '\r') end++;
    if (xml[end] === '\n') end++;
    return xml.slice(0, start) + xml.slice(end);
  }
  throw new RangeError(`no <object> ${index} in the annotation`);
}

/** The label a new hand-drawn box gets: "box N", N one more than the highest "box N" in use. */
export function nextBoxLabel(boxes: readonly LabelledBox[]): string {
  let n = 0;
  for (const b of boxes) {
    const m = /^box (\d+)$/.exec(b.label);
    if (m) n = Math.max(n, Number(m[1]));
  }
  return `box ${n + 1}`;
}

/** The list without box `index`. */
export function removeBox<T>(boxes: readonly T[], index: number): T[] {
  return boxes.filter((_, i) => i !== index);
}

/** After box `removed` is gone, the selection that stays on the same box (or the one now in its place, or none). */
export function selectionAfterRemoval(selected: number | undefined, removed: number, left: number): number | undefined {
  if (selected === undefined || left === 0) return undefined;
  if (selected < removed) return selected;
  if (selected === removed) return Math.min(removed, left - 1);
  return selected - 1;
}

/** What the box list's heading says: "3 boxes: dog, person, box 1". */
export function boxesSummary(boxes: readonly LabelledBox[]): string {
  if (boxes.length === 0) return 'no boxes';
  return `${boxes.length} ${boxes.length === 1 ? 'box' : 'boxes'}: ${boxes.map((b) => b.label).join(', ')}`;
}
