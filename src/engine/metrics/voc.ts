import fs from 'node:fs';
import { badInput, BorexError } from '../errors.ts';
import { readWholeText } from '../file-limits.ts';
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

/**
 * Refuses XML that is not one complete, well-formed element tree: a truncated file (ends inside an
 * element, a tag or a comment), mismatched or stray tags, text outside the root. The field reading
 * below is by pattern, so without this a cut-off annotation read as one with fewer (or no) objects,
 * silently: an image with no ground truth, explained as top-1.
 */
function checkWellFormed(xml: string, file: string): void {
  const refuse = (problem: string) => {
    throw badInput(file, `not a complete XML annotation: ${problem} (${Buffer.byteLength(xml)} bytes; truncated?)`);
  };
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  const text = xml.replace(/^\uFEFF/, '');
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = text.slice(i, lt < 0 ? text.length : lt);
    if (stack.length === 0 && chunk.trim() !== '') refuse(`text outside the root element ("${chunk.trim().slice(0, 20)}")`);
    if (chunk.includes('>')) refuse(`a stray ">" inside <${stack.at(-1) ?? ''}>`);
    if (lt < 0) break;
    const end = (close: string, what: string) => {
      const j = text.indexOf(close, lt);
      if (j < 0) refuse(`it ends inside ${what}${stack.length ? ` in <${stack.at(-1)}>` : ''}`);
      return j + close.length;
    };
    if (text.startsWith('<?', lt)) i = end('?>', 'a processing instruction');
    else if (text.startsWith('<!--', lt)) i = end('-->', 'a comment');
    else if (text.startsWith('<![CDATA[', lt)) {
      if (stack.length === 0) refuse('CDATA outside the root element');
      i = end(']]>', 'a CDATA section');
    } else if (text.startsWith('<!', lt)) {
      if (roots > 0 || stack.length > 0) refuse('a declaration after the root element began');
      i = end('>', 'a declaration');
    } else {
      const m = /^<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[^\s=<>/]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/.exec(text.slice(lt, lt + 4096));
      if (!m) {
        if (text.indexOf('>', lt) < 0) refuse(`it ends inside a tag${stack.length ? ` in <${stack.at(-1)}>` : ''}`);
        refuse(`a malformed tag at character ${lt}${stack.length ? ` in <${stack.at(-1)}>` : ''}`);
      }
      const [whole, closing, name, , selfClosing] = m!;
      if (closing) {
        if (selfClosing) refuse(`a malformed closing tag </${name}/>`);
        const open = stack.pop();
        if (open !== name) refuse(open === undefined ? `a closing </${name}> without its opening tag` : `</${name}> closes <${open}>`);
      } else {
        if (stack.length === 0 && roots++ > 0) refuse(`a second root element <${name}>`);
        if (!selfClosing) stack.push(name);
      }
      i = lt + whole.length;
    }
  }
  if (stack.length > 0) refuse(`it ends inside <${stack.join('><')}>`);
  if (roots === 0) refuse('no root element');
}

/** Reads a PASCAL VOC XML annotation (only the fields the metrics use); a file that does not parse completely is refused. */
export function parseVocXml(xml: string, file = 'annotation'): VocAnnotation {
  checkWellFormed(xml, file);
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
    text = readWholeText(file, 'annotation');
  } catch (err) {
    if (err instanceof BorexError) throw err;
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
