import fs from 'node:fs/promises';
import sharp from 'sharp';
import { DECODABLE_IMAGE_FORMATS } from '../../shared/media.ts';
import { badInput } from '../errors.ts';
import { decodeBmp, isBmp } from './bmp.ts';

/** A decoded photo: 8-bit RGB, interleaved (HWC), EXIF orientation applied, alpha flattened. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

const SUPPORTED = DECODABLE_IMAGE_FORMATS;

/** Decodes a JPEG/PNG/WebP/TIFF/BMP file or buffer; throws a 'bad-input' error naming the file. */
export async function decodeImage(source: string | Buffer, name = typeof source === 'string' ? source : 'image'): Promise<RgbImage> {
  let input: Buffer;
  try {
    input = typeof source === 'string' ? await fs.readFile(source) : source;
  } catch (err) {
    throw badInput(name, `cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`, err);
  }
  if (input.length === 0) throw badInput(name, 'the file is empty');
  if (isBmp(input)) {
    try {
      return decodeBmp(input);
    } catch (err) {
      throw badInput(name, err instanceof Error ? err.message : String(err), err);
    }
  }
  let format: string | undefined;
  try {
    format = (await sharp(input).metadata()).format;
  } catch (err) {
    throw badInput(name, 'not a readable image (unsupported or corrupt format)', err);
  }
  if (!format || !SUPPORTED.has(format)) throw badInput(name, `unsupported image format ${format ?? 'unknown'}`);
  try {
    const { data, info } = await sharp(input, { failOn: 'error' })
      .rotate() // EXIF orientation
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (err) {
    throw badInput(name, `corrupt or truncated image (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`, err);
  }
}
