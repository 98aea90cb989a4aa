import fs from 'node:fs';
import { badInput } from '../errors.ts';
import { topK } from '../model/classifier.ts';

/** A photo-space box [x0, y0, x1, y1) in pixels (VOC's 1-based inclusive corners converted). */
export type PhotoBox = [number, number, number, number];

export interface VocObject {
  name: string;
  box: PhotoBox;
  difficult: boolean;
}

export interface VocAnnotation {
  width: number;
  height: number;
  objects: VocObject[];
}

/** Reads a PASCAL VOC XML annotation (only the fields the metrics use). */
export function parseVocXml(xml: string, file = 'annotation'): VocAnnotation {
  const tag = (s: string, name: string) => s.match(new RegExp(`<${name}>\\s*([^<]*?)\\s*</${name}>`))?.[1];
  const size = xml.match(/<size>([\s\S]*?)<\/size>/)?.[1];
  const width = Number(size && tag(size, 'width'));
  const height = Number(size && tag(size, 'height'));
  const objects: VocObject[] = [];
  for (const [, body] of xml.matchAll(/<object>([\s\S]*?)<\/object>/g)) {
    const name = tag(body, 'name');
    const bnd = body.match(/<bndbox>([\s\S]*?)<\/bndbox>/)?.[1];
    if (!name || !bnd) throw badInput(file, 'an <object> lacks <name> or <bndbox>');
    const [xmin, ymin, xmax, ymax] = ['xmin', 'ymin', 'xmax', 'ymax'].map((k) => Number(tag(bnd, k)));
    if (![xmin, ymin, xmax, ymax].every(Number.isFinite) || xmax < xmin || ymax < ymin) throw badInput(file, `object "${name}" has an invalid <bndbox>`);
    objects.push({ name, box: [xmin - 1, ymin - 1, xmax, ymax], difficult: tag(body, 'difficult') === '1' });
  }
  if (!(width > 0 && height > 0) && objects.length === 0) throw badInput(file, 'not a PASCAL VOC annotation (no <size> and no <object>)');
  return { width, height, objects };
}

export function readVocAnnotation(file: string): VocAnnotation {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw badInput(file, `cannot read the annotation (${(err as NodeJS.ErrnoException).code ?? err})`, err);
  }
  return parseVocXml(text, file);
}

/** `labels/voc_imagenet_map.txt`: lines "IMAGENET_INDEX VOC_CLASS" → index → VOC class. */
export function readVocImagenetMap(file: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const line of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
    const m = line.trim().match(/^(\d+)\s+(\S+)$/);
    if (m) map.set(Number(m[1]), m[2]);
  }
  if (map.size === 0) throw badInput(file, 'no "INDEX VOC_CLASS" lines found');
  return map;
}

export interface VocItem {
  vocClass: string;
  /** The ImageNet class explained for it. */
  label: number;
  boxes: PhotoBox[];
}

/**
 * The public BOREx code's class choice: for each VOC class present, the highest-ranked of the
 * model's top-10 classes that the map sends to that VOC class; no such class → no item.
 */
export function vocItems(probabilities: ArrayLike<number>, annotation: VocAnnotation, vocOfImagenet: Map<number, string>, top = 10): VocItem[] {
  const ranked = topK(probabilities, top);
  const items: VocItem[] = [];
  const classes = [...new Set(annotation.objects.map((o) => o.name))];
  for (const vocClass of classes) {
    const label = ranked.find((c) => vocOfImagenet.get(c) === vocClass);
    if (label === undefined) continue;
    items.push({ vocClass, label, boxes: annotation.objects.filter((o) => o.name === vocClass).map((o) => o.box) });
  }
  return items;
}
