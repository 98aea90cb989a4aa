/**
 * The photos the UI takes from a selection or a drop (isImage in src/renderer/src/lib/open-files.ts)
 * are the shared media table's openable images: the very names the renderer's own regex took before
 * (open-files.ts itself is DOM code that the Node type-check of the tests cannot load).
 */
import { describe, expect, it } from 'vitest';
import { extensionOf, OPENABLE_IMAGE_EXTENSIONS } from '../../../src/shared/media.ts';
import { pairAnnotations } from '../../../src/renderer/src/lib/voc-pairs.ts';

const isImage = (name: string) => OPENABLE_IMAGE_EXTENSIONS.includes(extensionOf(name));
const before = (name: string) => /\.(jpe?g|png|webp|tiff?|bmp|gif)$/i.test(name);

describe('photos the UI opens', () => {
  it('are the names the renderer took before, in any case, and nothing else', () => {
    const names = ['a.jpg', 'b.JPEG', 'c.png', 'd.webp', 'e.tif', 'f.TIFF', 'g.bmp', 'h.gif', 'i.avif', 'j.heic', 'k.npy', 'l.json', 'm.xml', 'n.onnx', 'jpg', 'o.jpg.txt', 'dir/p.Png'];
    expect(names.filter(isImage)).toEqual(['a.jpg', 'b.JPEG', 'c.png', 'd.webp', 'e.tif', 'f.TIFF', 'g.bmp', 'h.gif', 'dir/p.Png']);
    expect(names.map(isImage)).toEqual(names.map(before));
  });
});

describe('VOC annotations chosen with their photos', () => {
  it('pairs each photo with its XML by name, from Annotations/ first, then beside the photo', () => {
    const photos = ['voc/JPEGImages/2007_000032.jpg', 'voc/JPEGImages/2007_000033.JPG', 'voc/JPEGImages/alone.jpg', 'other/x.png'];
    const xmls = ['voc/JPEGImages/2007_000032.xml', 'voc/Annotations/2007_000032.xml', 'voc/Annotations/2007_000033.xml', 'other/x.xml', 'elsewhere/alone.xml', 'voc2/Annotations/alone.xml'];
    expect([...pairAnnotations(photos, xmls)]).toEqual([
      ['voc/JPEGImages/2007_000032.jpg', 'voc/Annotations/2007_000032.xml'],
      ['voc/JPEGImages/2007_000033.JPG', 'voc/Annotations/2007_000033.xml'],
      ['other/x.png', 'other/x.xml'],
    ]);
  });
});
