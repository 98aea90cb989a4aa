import fs from 'node:fs';
import path from 'node:path';
import type { ServerResponse } from 'node:http';
import { contentSecurityPolicy as pageCsp } from '../../shared/csp.ts';
import { ApiError } from '../../shared/errors.ts';
import { mimeOf } from '../../shared/media.ts';

/** serve's CSP: the shared one, plus the event WebSocket on this port. */
export function contentSecurityPolicy(port: number): string {
  return pageCsp([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`]);
}

/** Serves the built renderer from `root`; unknown paths get index.html (one-page app). */
export function serveStatic(root: string, pathname: string, res: ServerResponse, port: number): void {
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    // A malformed % escape (URIError) is the client's mistake: 400 with the usual error body, not a 500.
    throw new ApiError('bad-request', 'malformed % escape in the path');
  }
  if (rel.endsWith('/')) rel += 'index.html';
  const file = path.resolve(root, '.' + path.posix.normalize(rel));
  const inside = file.startsWith(path.resolve(root) + path.sep);
  const target = inside && fs.existsSync(file) && fs.statSync(file).isFile() ? file : path.join(root, 'index.html');
  if (!fs.existsSync(target)) {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`The UI is not built (${root} is missing): run \`npm run build:ui\`.\n`);
    return;
  }
  res.writeHead(200, {
    'content-type': mimeOf(target) ?? 'application/octet-stream',
    'content-security-policy': contentSecurityPolicy(port),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  });
  fs.createReadStream(target).pipe(res);
}
