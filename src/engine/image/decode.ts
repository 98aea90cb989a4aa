import sharp from 'sharp';
import { DECODABLE_IMAGE_FORMATS } from '../../shared/media.ts';
import { badInput, BorexError } from '../errors.ts';
import { readWholeFile } from '../file-limits.ts';
import { positiveIntFromEnv } from '../limit-env.ts';
import { decodeBmp, isBmp } from './bmp.ts';

/** A decoded photo: 8-bit RGB, interleaved (HWC), EXIF orientation applied, alpha flattened. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

const SUPPORTED = DECODABLE_IMAGE_FORMATS;

/**
 * What one photo may cost: photos over this many pixels are refused before decoding (a 16000²
 * PNG of 775 KB took 66 s and 3.1 GB in explain). Default 100 megapixels; `--max-pixels N` on
 * explain and batch, `BOREX_MAX_PIXELS` for every process (serve, the app, the CLI).
 */
export const DEFAULT_MAX_PIXELS = 100_000_000;
export const MAX_PIXELS_ENV = 'BOREX_MAX_PIXELS';

/** The pixel limit in force: BOREX_MAX_PIXELS when set (a positive integer), else the default. */
export function maxPixels(env: NodeJS.ProcessEnv = process.env): number {
  return positiveIntFromEnv(env, MAX_PIXELS_ENV, DEFAULT_MAX_PIXELS);
}

/** Why a photo of width×height is refused under `limit`, or undefined when it is within it. */
export function overPixelLimit(width: number, height: number, limit = maxPixels()): string | undefined {
  if (width * height <= limit) return undefined;
  return `the photo is ${width}×${height} = ${width * height} pixels, over the limit of ${limit} (${Number((limit / 1e6).toPrecision(3))} megapixels); raise it with --max-pixels N or ${MAX_PIXELS_ENV}`;
}

/** Decodes a JPEG/PNG/WebP/TIFF/BMP file or buffer; throws a 'bad-input' error naming the file. */
export async function decodeImage(source: string | Buffer, name = typeof source === 'string' ? source : 'image', limit = maxPixels()): Promise<RgbImage> {
  let input: Buffer;
  try {
    // Read whole, within the byte limit (engine/file-limits.ts); the pixel limit is checked from the header below.
    input = typeof source === 'string' ? readWholeFile(source, 'photo') : source;
  } catch (err) {
    if (err instanceof BorexError) throw err;
    throw badInput(name, `cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`, err);
  }
  if (input.length === 0) throw badInput(name, 'the file is empty');
  if (isBmp(input) && input.length >= 26) {
    const over = overPixelLimit(Math.abs(input.readInt32LE(18)), Math.abs(input.readInt32LE(22)), limit);
    if (over) throw badInput(name, over);
  }
  if (isBmp(input)) {
    try {
      return decodeBmp(input);
    } catch (err) {
      throw badInput(name, err instanceof Error ? err.message : String(err), err);
    }
  }
  let format: string | undefined;
  try {
    // The header only (no pixel limit here: the size is checked below, with the file named).
    const meta = await sharp(input, { limitInputPixels: false }).metadata();
    format = meta.format;
    const over = meta.width && meta.height ? overPixelLimit(meta.width, meta.height, limit) : undefined;
    if (over) throw badInput(name, over);
  } catch (err) {
    if (err instanceof BorexError) throw err;
    throw badInput(name, 'not a readable image (unsupported or corrupt format)', err);
  }
  if (!format || !SUPPORTED.has(format)) throw badInput(name, `unsupported image format ${format ?? 'unknown'}`);
  try {
    const { data, info } = await sharp(input, { failOn: 'error', limitInputPixels: limit })
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
