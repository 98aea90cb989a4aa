/**
 * Which classes of an image are explained, and against which boxes (docs/algorithms.md, "Metrics"):
 *
 *  1. An explicit label (manifest `label`) wins: one item for that class. Its ground truth: the
 *     image's unnamed boxes, or its objects of the label's dataset class (the class map's class
 *     for it, else its short name).
 *  2. Objects with dataset classes (VOC, COCO, CSV with a class column) and a class map
 *     (`labels/voc_imagenet_map.txt` for 1000-class models, or `--class-map FILE`): one item per
 *     class present, explaining the highest-ranked of the model's top-10 classes that the map
 *     sends to it; G = the boxes of that class. A class with no mapped class in the top-10 yields
 *     no item (the public BOREx code's rule).
 *  3. Otherwise one item for the top-1 class; G = the unnamed boxes, or the objects whose class
 *     equals the label's short name (case-insensitive), or none.
 */
import { usageError } from '../errors.ts';
import { vocItems, type PhotoBox } from '../metrics/voc.ts';
import { topK } from '../model/classifier.ts';
import { chooseLabel, shortLabel } from '../model/labels.ts';
import type { GtObject } from './batch-input.ts';

export interface ChosenItem {
  label: number;
  choice: 'explicit' | 'class-map' | 'top1';
  class?: string;
  /** Ground truth in photo pixels (possibly empty). */
  boxes: PhotoBox[];
}

export type ItemChoice = { items: ChosenItem[] } | { noItem: string };

export function chooseItems(
  probabilities: ArrayLike<number>,
  labels: readonly string[],
  objects: GtObject[] | undefined,
  explicitLabel: string | undefined,
  classMap: Map<number, string> | undefined,
  top = 10,
): ItemChoice {
  const named = (objects ?? []).filter((o) => o.name !== undefined);
  const unnamed = (objects ?? []).filter((o) => o.name === undefined).map((o) => o.box);
  const ofClass = (cls: string) => named.filter((o) => o.name!.toLowerCase() === cls.toLowerCase()).map((o) => o.box);
  const nameOf = (label: number) => (labels[label] !== undefined ? shortLabel(labels[label]) : String(label));

  if (explicitLabel !== undefined) {
    if (labels.length === 0 && !/^\d+$/.test(explicitLabel)) throw usageError(`label "${explicitLabel}": the model has no labels; give a class index`);
    const label = chooseLabel(explicitLabel, labels.length > 0 ? labels : Array.from({ length: probabilities.length }, (_, i) => String(i)), probabilities);
    const cls = classMap?.get(label) ?? nameOf(label);
    const boxes = [...unnamed, ...ofClass(cls)];
    return { items: [{ label, choice: 'explicit', class: named.length > 0 ? cls : undefined, boxes }] };
  }
  if (named.length > 0 && classMap) {
    const items = vocItems(probabilities, { width: 0, height: 0, objects: named.map((o) => ({ name: o.name!, box: o.box, difficult: false })) }, classMap, top);
    if (items.length === 0) {
      const present = [...new Set(named.map((o) => o.name!))].join(', ');
      return { noItem: `no class in the model's top-${top} maps to a class present (${present})` };
    }
    return { items: items.map((it) => ({ label: it.label, choice: 'class-map', class: it.vocClass, boxes: [...it.boxes, ...unnamed] })) };
  }
  const [label] = topK(probabilities, 1);
  const cls = named.length > 0 ? nameOf(label) : undefined;
  return { items: [{ label, choice: 'top1', class: cls, boxes: [...unnamed, ...(cls ? ofClass(cls) : [])] }] };
}
