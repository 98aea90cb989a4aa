import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inShard, listBatchInput, parseCsv, parseShard } from '../../../src/engine/jobs/batch-input.ts';
import { chooseItems } from '../../../src/engine/jobs/batch-items.ts';
import { tempDir } from '../../helpers/cli.ts';

const touch = (file: string, text = 'x') => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
};

describe('batch input listing', () => {
  it('lists a folder’s images in code-point order, ignoring other files', () => {
    const dir = tempDir();
    for (const n of ['b.jpg', 'B.png', 'a.JPEG', 'notes.txt', 'a.xml', 'c.webp']) touch(path.join(dir, n));
    const input = listBatchInput(dir);
    expect(input.kind).toBe('folder');
    expect(input.entries.map((e) => [e.index, e.image])).toEqual([
      [0, 'B.png'],
      [1, 'a.JPEG'],
      [2, 'b.jpg'],
      [3, 'c.webp'],
    ]);
    expect(input.boxes).toBeUndefined();
  });

  it('treats a VOC root as JPEGImages + Annotations with --boxes voc implied', () => {
    const dir = tempDir();
    touch(path.join(dir, 'JPEGImages/x1.jpg'));
    touch(path.join(dir, 'JPEGImages/x2.jpg'));
    touch(path.join(dir, 'Annotations/x1.xml'));
    const input = listBatchInput(dir);
    expect(input.kind).toBe('voc-root');
    expect(input.boxes).toBe('voc');
    expect(input.entries.map((e) => e.image)).toEqual(['JPEGImages/x1.jpg', 'JPEGImages/x2.jpg']);
    expect(input.entries[0].vocXml).toBe(path.join(dir, 'Annotations/x1.xml'));
    // A missing annotation is still named: the item fails when it runs, with that file in the message.
    expect(input.entries[1].vocXml).toBe(path.join(dir, 'Annotations/x2.xml'));
  });

  it('reads CSV and JSONL manifests with labels, boxes and annotations, relative to the manifest', () => {
    const dir = tempDir();
    touch(
      path.join(dir, 'm.csv'),
      'image,label,boxes,annotation\n' + 'p/a.jpg,dog,"1 2 3 4;5 6 7 8",\n' + 'b.jpg,,"[[0,0,10,10]]",ann/b.xml\n' + '"c, d.jpg",207,,\n',
    );
    const csv = listBatchInput(path.join(dir, 'm.csv'));
    expect(csv.kind).toBe('manifest');
    expect(csv.entries).toEqual([
      { index: 0, image: 'p/a.jpg', file: path.join(dir, 'p/a.jpg'), label: 'dog', objects: [{ box: [1, 2, 3, 4] }, { box: [5, 6, 7, 8] }] },
      { index: 1, image: 'b.jpg', file: path.join(dir, 'b.jpg'), objects: [{ box: [0, 0, 10, 10] }], vocXml: path.join(dir, 'ann/b.xml') },
      { index: 2, image: 'c, d.jpg', file: path.join(dir, 'c, d.jpg'), label: '207' },
    ]);
    touch(path.join(dir, 'm.jsonl'), '{"image":"a.jpg","label":3,"boxes":[{"box":[1,1,5,5],"class":"cat"}]}\n\n{"image":"b.jpg"}\n');
    const jsonl = listBatchInput(path.join(dir, 'm.jsonl'));
    expect(jsonl.entries.map((e) => [e.image, e.label, e.objects])).toEqual([
      ['a.jpg', '3', [{ name: 'cat', box: [1, 1, 5, 5] }]],
      ['b.jpg', undefined, undefined],
    ]);
  });

  it('refuses bad manifests and inputs with bad-input, option misuse with usage', () => {
    const dir = tempDir();
    touch(path.join(dir, 'no-image-col.csv'), 'file,label\na.jpg,1\n');
    touch(path.join(dir, 'bad-box.jsonl'), '{"image":"a.jpg","boxes":[[1,2,3]]}\n');
    touch(path.join(dir, 'list.txt'), 'a.jpg\n');
    for (const f of ['no-image-col.csv', 'bad-box.jsonl', 'list.txt', 'missing.csv']) {
      expect(() => listBatchInput(path.join(dir, f)), f).toThrow(expect.objectContaining({ kind: 'bad-input' }));
    }
    expect(() => listBatchInput(tempDir())).toThrow(expect.objectContaining({ kind: 'bad-input' }));
    touch(path.join(dir, 'imgs/a.jpg'));
    expect(() => listBatchInput(path.join(dir, 'imgs'), { boxes: 'coco' })).toThrow(expect.objectContaining({ kind: 'usage' }));
  });

  it('attaches COCO boxes (x,y,w,h → corners, category names) and CSV boxes by path or base name', () => {
    const dir = tempDir();
    touch(path.join(dir, 'imgs/a.jpg'));
    touch(path.join(dir, 'imgs/b.jpg'));
    touch(path.join(dir, 'imgs/c.jpg'));
    const coco = {
      images: [
        { id: 1, file_name: 'a.jpg' },
        { id: 2, file_name: 'sub/b.jpg' },
      ],
      annotations: [
        { image_id: 1, bbox: [10, 20, 30, 40], category_id: 18 },
        { image_id: 2, bbox: [0, 0, 5, 5], category_id: 1 },
      ],
      categories: [
        { id: 1, name: 'person' },
        { id: 18, name: 'dog' },
      ],
    };
    touch(path.join(dir, 'coco.json'), JSON.stringify(coco));
    const c = listBatchInput(path.join(dir, 'imgs'), { boxes: 'coco', annotations: path.join(dir, 'coco.json') });
    expect(c.entries.map((e) => e.objects)).toEqual([[{ name: 'dog', box: [10, 20, 40, 60] }], [{ name: 'person', box: [0, 0, 5, 5] }], []]);
    touch(path.join(dir, 'boxes.csv'), 'image,x0,y0,x1,y1,class\na.jpg,1,2,3,4,cat\na.jpg,5,6,7,8,\nc.jpg,0,0,1,1,dog\n');
    const b = listBatchInput(path.join(dir, 'imgs'), { boxes: 'csv', annotations: path.join(dir, 'boxes.csv') });
    expect(b.entries.map((e) => e.objects)).toEqual([[{ name: 'cat', box: [1, 2, 3, 4] }, { box: [5, 6, 7, 8] }], [], [{ name: 'dog', box: [0, 0, 1, 1] }]]);
  });

  it('parses CSV quoting and shards', () => {
    expect(parseCsv('a,"b ""q"", c"\r\nd,e')).toEqual([
      ['a', 'b "q", c'],
      ['d', 'e'],
    ]);
    expect(parseShard('1/3')).toEqual({ index: 1, count: 3 });
    for (const bad of ['3/3', '1', '-1/2', '0/0', 'a/b']) expect(() => parseShard(bad), bad).toThrow(expect.objectContaining({ kind: 'usage' }));
    const all = Array.from({ length: 10 }, (_, i) => i);
    const shards = [0, 1, 2].map((i) => all.filter((e) => inShard(e, { index: i, count: 3 })));
    expect(shards).toEqual([
      [0, 3, 6, 9],
      [1, 4, 7],
      [2, 5, 8],
    ]);
  });
});

describe('class choice per image', () => {
  const labels = ['tabby, tabby cat', 'airliner', 'warplane', 'dog', 'car wheel'];
  const p = [0.1, 0.3, 0.35, 0.2, 0.05];
  const map = new Map([
    [1, 'aeroplane'],
    [2, 'aeroplane'],
    [0, 'cat'],
  ]);

  it('with a class map: one item per class present, the highest-ranked mapped class of the top-k', () => {
    const objects = [
      { name: 'aeroplane', box: [0, 0, 5, 5] as [number, number, number, number] },
      { name: 'cat', box: [1, 1, 2, 2] as [number, number, number, number] },
      { name: 'aeroplane', box: [6, 6, 9, 9] as [number, number, number, number] },
      { name: 'person', box: [0, 0, 1, 1] as [number, number, number, number] },
    ];
    expect(chooseItems(p, labels, objects, undefined, map)).toEqual({
      items: [
        { label: 2, choice: 'class-map', class: 'aeroplane', boxes: [[0, 0, 5, 5], [6, 6, 9, 9]] },
        { label: 0, choice: 'class-map', class: 'cat', boxes: [[1, 1, 2, 2]] },
      ],
    });
    // cat's only mapped class (0) is outside the top-3: no item for cat.
    expect(chooseItems(p, labels, objects, undefined, map, 3)).toEqual({ items: [{ label: 2, choice: 'class-map', class: 'aeroplane', boxes: [[0, 0, 5, 5], [6, 6, 9, 9]] }] });
    expect(chooseItems(p, labels, [{ name: 'person', box: [0, 0, 1, 1] }], undefined, map)).toEqual({ noItem: "no class in the model's top-10 maps to a class present (person)" });
  });

  it('an explicit label wins; its boxes are the unnamed ones or those of its class', () => {
    expect(chooseItems(p, labels, [{ box: [0, 0, 3, 3] }], 'dog', map)).toEqual({ items: [{ label: 3, choice: 'explicit', boxes: [[0, 0, 3, 3]] }] });
    const objects = [
      { name: 'aeroplane', box: [0, 0, 5, 5] as [number, number, number, number] },
      { name: 'cat', box: [1, 1, 2, 2] as [number, number, number, number] },
    ];
    expect(chooseItems(p, labels, objects, '0', map)).toEqual({ items: [{ label: 0, choice: 'explicit', class: 'cat', boxes: [[1, 1, 2, 2]] }] });
    expect(() => chooseItems(p, labels, undefined, 'zebra', map)).toThrow(expect.objectContaining({ kind: 'usage' }));
  });

  it('without a class map: the top-1 class, with boxes of its name or the unnamed ones', () => {
    expect(chooseItems(p, labels, undefined, undefined, undefined)).toEqual({ items: [{ label: 2, choice: 'top1', boxes: [] }] });
    expect(chooseItems(p, labels, [{ box: [0, 0, 3, 3] }], undefined, undefined)).toEqual({ items: [{ label: 2, choice: 'top1', boxes: [[0, 0, 3, 3]] }] });
    expect(chooseItems(p, labels, [{ name: 'Warplane', box: [0, 0, 3, 3] }, { name: 'dog', box: [1, 1, 2, 2] }], undefined, undefined)).toEqual({
      items: [{ label: 2, choice: 'top1', class: 'warplane', boxes: [[0, 0, 3, 3]] }],
    });
  });
});
