import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { answerRange, rangeHeaders } from '../app/media-range.ts';
import type { ApiBackend } from '../app/backend.ts';
import { toErrorBody, HTTP_STATUS } from '../shared/errors.ts';
import { mimeOf } from '../shared/media.ts';
import { CSP } from './security.ts';

const file = (p: string, extra: Record<string, string> = {}) =>
  new Response(fs.readFileSync(p), { headers: { 'content-type': mimeOf(p) ?? 'application/octet-stream', 'x-content-type-options': 'nosniff', ...extra } });

/** A video for <video>, by id, with HTTP Range (206 / 416), streamed from disk (src/app/media-range.ts). */
function media(request: Request, p: string): Response {
  const size = fs.statSync(p).size;
  const range = answerRange(request.headers.get('range'), size);
  const headers = { 'content-type': mimeOf(p) ?? 'application/octet-stream', 'x-content-type-options': 'nosniff', ...rangeHeaders(range, size) };
  if (range.status === 416) return new Response(null, { status: 416, headers });
  const stream = fs.createReadStream(p, range.status === 206 ? { start: range.start, end: range.end } : {});
  return new Response(Readable.toWeb(stream) as ReadableStream, { status: range.status, headers });
}

/**
 * The app:// protocol: the built renderer (with the CSP), the photos the user opened, the files of
 * finished jobs and the videos (and their proxies, with ranges) at api/media/<id>?variant=, by id only. Used with protocol.handle('app', ...).
 */
export function appProtocolHandler(uiDir: string, backend: Pick<ApiBackend, 'imageFile' | 'jobFile'> & Partial<Pick<ApiBackend, 'mediaFile'>>): (request: Request) => Response {
  const root = path.resolve(uiDir);
  return (request) => {
    try {
      const url = new URL(request.url);
      if (url.host !== 'studio') return new Response('not found', { status: 404 });
      const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      if (parts[0] === 'api') {
        if (parts[1] === 'images' && parts.length === 3) return file(backend.imageFile(parts[2]));
        if (parts[1] === 'jobs' && parts[3] === 'files' && parts.length === 5) return file(backend.jobFile({ jobId: parts[2], file: parts[4] }));
        if (parts[1] === 'media' && parts.length === 3 && backend.mediaFile) return media(request, backend.mediaFile(parts[2], url.searchParams.get('variant') ?? 'original'));
        return new Response('not found', { status: 404 });
      }
      const target = path.resolve(root, ...(parts.length ? parts : ['index.html']));
      if (!target.startsWith(root + path.sep) || !fs.existsSync(target) || !fs.statSync(target).isFile()) return new Response('not found', { status: 404 });
      return file(target, target.endsWith('.html') ? { 'content-security-policy': CSP } : {});
    } catch (err) {
      // A malformed % escape in the path: the request's fault, 400 (not an internal error).
      if (err instanceof URIError) return new Response('bad request: malformed % escape in the path', { status: 400 });
      const body = toErrorBody(err);
      return new Response(body.error.message, { status: HTTP_STATUS[body.error.kind] });
    }
  };
}
