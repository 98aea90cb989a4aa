/**
 * HTTP Range for media (RFC 9110 §14): what a <video> element asks for while it plays and seeks.
 * One range per request (`bytes=a-b`, `bytes=a-`, `bytes=-n`); a list of several is answered
 * with the whole file (allowed: a server may ignore Range), a range past the end with 416.
 * Used by serve's GET /api/media/<id> and the app:// protocol, so both answer alike.
 */
export type RangeAnswer =
  | { status: 200 }
  | { status: 206; start: number; end: number }
  | { status: 416 };

/** `end` is inclusive, as in Content-Range. Pure. */
export function answerRange(header: string | null | undefined, size: number): RangeAnswer {
  if (!header) return { status: 200 };
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // Not one byte range (several, another unit, garbage): the whole file, as if Range were absent.
  if (!m || (m[1] === '' && m[2] === '')) return { status: 200 };
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return { status: 416 };
    return { status: 206, start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return { status: 416 };
  return { status: 206, start, end };
}

/** The headers of a range answer (Content-Range, Content-Length, Accept-Ranges). */
export function rangeHeaders(a: RangeAnswer, size: number): Record<string, string> {
  if (a.status === 206) return { 'accept-ranges': 'bytes', 'content-range': `bytes ${a.start}-${a.end}/${size}`, 'content-length': String(a.end - a.start + 1) };
  if (a.status === 416) return { 'accept-ranges': 'bytes', 'content-range': `bytes */${size}` };
  return { 'accept-ranges': 'bytes', 'content-length': String(size) };
}
