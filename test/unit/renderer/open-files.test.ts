/**
 * The photos the UI takes from a selection or a drop (isImage in src/renderer/src/lib/open-files.ts)
 * are the shared media table's openable images: the very names the renderer's own regex took before
 * (open-files.ts itself is DOM code that the Node type-check of the tests cannot load).
 */
import { describe, expect, it } from 'vitest';
import { extensionOf, OPENABLE_IMAGE_EXTENSIONS } from '../../../src/shared/media.ts';

const isImage = (name: string) => OPENABLE_IMAGE_EXTENSIONS.includes(extensionOf(name));
const before = (name: string) => /\.(jpe?g|png|webp|tiff?|bmp|gif)$/i.test(name);

describe('photos the UI opens', () => {
  it('are the names the renderer took before, in any case, and nothing else', () => {
    const names = ['a.jpg', 'b.JPEG', 'c.png', 'd.webp', 'e.tif', 'f.TIFF', 'g.bmp', 'h.gif', 'i.avif', 'j.heic', 'k.npy', 'l.json', 'm.xml', 'n.onnx', 'jpg', 'o.jpg.txt', 'dir/p.Png'];
    expect(names.filter(isImage)).toEqual(['a.jpg', 'b.JPEG', 'c.png', 'd.webp', 'e.tif', 'f.TIFF', 'g.bmp', 'h.gif', 'dir/p.Png']);
    expect(names.map(isImage)).toEqual(names.map(before));
  });
});
