import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../src/engine/image/decode.ts';
import { ROOT, tempDir } from '../../helpers/cli.ts';

const fixture = (name: string) => path.join(ROOT, 'test/fixtures/images', name);
/** pixel (x, y) of the 5×3 pattern written by tools/fixtures/make_test_images.py */
const pattern = Array.from({ length: 15 }, (_, i) => [40 * (i % 5), 80 * Math.floor(i / 5), 200]).flat();

describe('decodeImage', () => {
  it('reads PNG and 24/32-bit BMP to the same RGB pixels', async () => {
    for (const name of ['pattern.png', 'pattern-24bit.bmp', 'pattern-32bit.bmp']) {
      const img = await decodeImage(fixture(name));
      expect([img.width, img.height]).toEqual([5, 3]);
      expect(Array.from(img.data)).toEqual(pattern);
    }
  });

  it('reads palettised BMP as Pillow does', async () => {
    const bmp = await decodeImage(fixture('pattern-8bit.bmp'));
    const png = await decodeImage(fixture('pattern-8bit.png'));
    expect(Array.from(bmp.data)).toEqual(Array.from(png.data));
  });

  it('turns greyscale into RGB and flattens alpha onto white', async () => {
    const grey = await decodeImage(fixture('pattern-grey.png'));
    expect(grey.data.length).toBe(15 * 3);
    expect(grey.data[0]).toBe(grey.data[1]);
    const dir = tempDir();
    const transparent = path.join(dir, 'alpha.png');
    await sharp({ create: { width: 2, height: 1, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toFile(transparent);
    expect(Array.from((await decodeImage(transparent)).data)).toEqual([255, 255, 255, 255, 255, 255]);
  });

  it('applies EXIF orientation', async () => {
    const dir = tempDir();
    const rotated = path.join(dir, 'rotated.jpg');
    await sharp(fixture('pattern.png')).jpeg().withMetadata({ orientation: 6 }).toFile(rotated);
    const img = await decodeImage(rotated);
    expect([img.width, img.height]).toEqual([3, 5]);
  });

  it('reads WebP and TIFF', async () => {
    const dir = tempDir();
    const webp = path.join(dir, 'p.webp');
    await sharp(fixture('pattern.png')).webp({ lossless: true, exact: true }).toFile(webp);
    const tiff = path.join(dir, 'p.tiff');
    await sharp(fixture('pattern.png')).tiff({ compression: 'none' }).toFile(tiff);
    for (const file of [webp, tiff]) expect(Array.from((await decodeImage(file)).data), file).toEqual(pattern);
  });

  it('names the file and the problem for a truncated BMP', async () => {
    const dir = tempDir();
    const bad = path.join(dir, 'cut.bmp');
    fs.writeFileSync(bad, fs.readFileSync(fixture('pattern-24bit.bmp')).subarray(0, 60));
    await expect(decodeImage(bad)).rejects.toThrow(/cut\.bmp: unsupported or corrupt BMP: truncated pixel data/);
  });
});
