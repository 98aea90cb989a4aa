/**
 * A small BMP reader: sharp's prebuilt libvips has no BMP loader. Handles what cameras, Windows
 * tools and Pillow write: BITMAPINFOHEADER and its V4/V5 extensions, uncompressed 24- and 32-bit
 * (BI_RGB or BI_BITFIELDS with byte-aligned masks) and 1/4/8-bit palettes, bottom-up or top-down.
 */
export interface DecodedBmp {
  width: number;
  height: number;
  /** RGB, interleaved, top row first. */
  data: Uint8Array;
}

export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length > 26 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

export function decodeBmp(bytes: Uint8Array): DecodedBmp {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (why: string) => new Error(`unsupported or corrupt BMP: ${why}`);
  if (bytes.length < 54) throw fail('file too short');
  const pixelOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (headerSize < 40) throw fail(`OS/2 header (${headerSize} bytes)`);
  const width = view.getInt32(18, true);
  const rawHeight = view.getInt32(22, true);
  const bpp = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  const topDown = rawHeight < 0;
  const height = Math.abs(rawHeight);
  if (width <= 0 || height === 0 || width * height > 1 << 28) throw fail(`size ${width}×${height}`);
  if (compression !== 0 && compression !== 3) throw fail(`compression ${compression} (RLE/JPEG/PNG inside BMP)`);

  let masks = [0x00ff0000, 0x0000ff00, 0x000000ff];
  if (compression === 3) {
    const at = headerSize >= 52 ? 54 : 14 + headerSize;
    masks = [view.getUint32(at, true), view.getUint32(at + 4, true), view.getUint32(at + 8, true)];
  }
  const shifts = masks.map((m) => {
    const shift = Math.log2(m & -m);
    if (!Number.isInteger(shift) || m >>> shift !== 0xff) throw fail('bit masks other than 8 bits per channel');
    return shift;
  });

  let palette: Uint8Array | undefined;
  if (bpp <= 8) {
    const colours = view.getUint32(46, true) || 1 << bpp;
    palette = bytes.subarray(14 + headerSize, 14 + headerSize + colours * 4);
  } else if (bpp !== 24 && bpp !== 32) {
    throw fail(`${bpp} bits per pixel`);
  }

  const stride = Math.ceil((width * bpp) / 32) * 4;
  if (pixelOffset + stride * height > bytes.length) throw fail('truncated pixel data');
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = pixelOffset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      if (palette) {
        const bit = x * bpp;
        const index = (bytes[row + (bit >> 3)] >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
        data[o] = palette[index * 4 + 2];
        data[o + 1] = palette[index * 4 + 1];
        data[o + 2] = palette[index * 4];
      } else if (bpp === 24) {
        data[o] = bytes[row + x * 3 + 2];
        data[o + 1] = bytes[row + x * 3 + 1];
        data[o + 2] = bytes[row + x * 3];
      } else {
        const v = view.getUint32(row + x * 4, true);
        for (let c = 0; c < 3; c++) data[o + c] = (v >>> shifts[c]) & 0xff;
      }
    }
  }
  return { width, height, data };
}
