/**
 * What one file read whole may cost. Photos, priors, VOC annotations, box lists and tube files
 * are read into memory in one piece before they are parsed; without a bound a 3 GB "photo" or a
 * multi-gigabyte XML would take the process over a 2 GiB container limit before any check ran.
 * Files over the limit are refused as bad input naming the file, its size and the limit. Default
 * 256 MiB (a 100-megapixel 8-bit TIFF is 300 MB uncompressed, refused by the pixel limit anyway);
 * `BOREX_MAX_FILE_BYTES` overrides it for every process (CLI, serve, the app's engine).
 *
 * The read itself is bounded too (never more than limit + 1 bytes), so a FIFO or a device such as
 * /dev/zero, whose size stat cannot tell, is refused the same way instead of filling memory.
 */
import fs from 'node:fs';
import { badInput } from './errors.ts';
import { positiveIntFromEnv } from './limit-env.ts';

export const DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024;
export const MAX_FILE_BYTES_ENV = 'BOREX_MAX_FILE_BYTES';

/** The byte limit in force: BOREX_MAX_FILE_BYTES when set (a positive integer), else the default. */
export function maxFileBytes(env: NodeJS.ProcessEnv = process.env): number {
  return positiveIntFromEnv(env, MAX_FILE_BYTES_ENV, DEFAULT_MAX_FILE_BYTES);
}

const mib = (n: number) => `${Number((n / 1024 / 1024).toPrecision(3))} MiB`;

/** Why a file of `bytes` is refused under `limit` (the text after "FILE: "). */
export function overByteLimit(bytes: number | undefined, what: string, limit: number): string {
  const size = bytes === undefined ? 'more than' : `${bytes} bytes (${mib(bytes)}),`;
  return `the ${what} is ${size} over the limit of ${limit} bytes (${mib(limit)}) for a file read whole; raise it with ${MAX_FILE_BYTES_ENV}=N`;
}

/**
 * Reads `file` whole, refusing it (bad input naming it) when it is over the byte limit; `what`
 * names it in messages ("photo", "prior", "annotation"). Errors of the read itself are thrown as
 * they come (callers word "cannot read" with the errno).
 */
export function readWholeFile(file: string, what: string, limit = maxFileBytes()): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isFile() && stat.size > limit) throw badInput(file, overByteLimit(stat.size, what, limit));
    if (stat.isFile()) {
      // Its size is known: one buffer of that size, filled in place (no second copy).
      const buf = Buffer.allocUnsafe(stat.size);
      let total = 0;
      while (total < buf.length) {
        const n = fs.readSync(fd, buf, total, buf.length - total, null);
        if (n === 0) return buf.subarray(0, total); // shrank while read
        total += n;
      }
      if (fs.readSync(fd, Buffer.allocUnsafe(1), 0, 1, null) > 0 && stat.size >= limit) throw badInput(file, overByteLimit(undefined, what, limit));
      return buf;
    }
    // No size to stat (a FIFO, a device): read in pieces, never past limit + 1 bytes.
    const chunks: Buffer[] = [];
    let total = 0;
    const chunk = Buffer.allocUnsafe(Math.min(limit + 1, 1 << 20));
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, Math.min(chunk.length, limit + 1 - total), null);
      if (n === 0) break;
      chunks.push(Buffer.from(chunk.subarray(0, n)));
      total += n;
      if (total > limit) throw badInput(file, overByteLimit(undefined, what, limit));
    }
    return Buffer.concat(chunks, total);
  } finally {
    fs.closeSync(fd);
  }
}

/** readWholeFile as UTF-8 text. */
export function readWholeText(file: string, what: string, limit = maxFileBytes()): string {
  return readWholeFile(file, what, limit).toString('utf8');
}
