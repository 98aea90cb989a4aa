import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { modelUpload, socketMessage, type JobEvent } from '../../shared/api.ts';
import { callNames, httpRoute, isAppOnly, NO_REQUEST, rowOf, type CallName } from '../../shared/calls.ts';
import { ApiError, HTTP_STATUS, toErrorBody } from '../../shared/errors.ts';
import { mimeOf } from '../../shared/media.ts';
import { fromWire, toWire } from '../../shared/wire.ts';
import type { ApiBackend } from '../../app/backend.ts';
import { MAX_COMPANION_BYTES, MAX_MODEL_BYTES, sizeText } from '../../app/user-models.ts';
import { answerRange, rangeHeaders } from '../../app/media-range.ts';
import { bytesText, MAX_VIDEO_BYTES } from '../../app/videos.ts';
import { RequestGuard } from './guard.ts';
import { serveStatic } from './static.ts';

export interface ServeOptions {
  backend: ApiBackend;
  /** The built renderer (index.html + assets). */
  uiDir: string;
  port?: number;
  token?: string;
  /** Photos and prior maps. */
  maxUploadBytes?: number;
  /** A user's .onnx model (default 512 MB). */
  maxModelBytes?: number;
  /** One video upload (default 2 GiB; `borex serve --max-video-bytes`), streamed to disk. */
  maxVideoBytes?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MAX_JSON = 1 << 20;

/** `POST <route>` → call, for the calls serve answers (app-only ones and those with their own routes aside). */
const CALL_ROUTES = new Map(callNames.filter((n) => !isAppOnly(n) && ['json', 'file'].includes(rowOf(n).body)).map((n) => [`POST ${httpRoute(n)}`, n]));
// Every call serve answers has a method of that name on the backend (openModel has its own upload routes, below).
const complete: [Exclude<CallName, keyof ApiBackend | 'openModel' | 'getSettings' | 'setSettings' | 'exportFile'>] extends [never] ? true : false = true;
void complete;

/** `borex serve`: the UI and the API (HTTP + WebSocket) on 127.0.0.1 only. */
export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const token = o.token ?? randomBytes(24).toString('base64url');
  const guard = new RequestGuard(token);
  const maxUpload = o.maxUploadBytes ?? 64 << 20;
  const maxModel = o.maxModelBytes ?? MAX_MODEL_BYTES;
  const maxVideo = o.maxVideoBytes ?? MAX_VIDEO_BYTES;
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 << 10 });
  let port = 0;

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => sendError(res, err));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!guard.hostOk(req)) throw new ApiError('forbidden', 'wrong Host header');
    if (!url.pathname.startsWith('/api/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new ApiError('not-found', 'no such page');
      return serveStatic(o.uiDir, url.pathname, res, port);
    }
    if (!guard.tokenOk(req, url)) throw new ApiError('unauthorized', 'missing or wrong access token');
    if (!guard.originOk(req)) throw new ApiError('forbidden', 'cross-origin request refused');
    const parts = url.pathname.slice('/api/'.length).split('/');
    const route = `${req.method} ${parts[0]}`;
    const b = o.backend;
    const call = CALL_ROUTES.get(route);
    if (call === 'openVideo' && parts.length === 1) {
      // A video is streamed to disk under its own limit, never read into memory.
      const name = path.basename(url.searchParams.get('name') ?? 'video');
      if (Number(req.headers['content-length']) > maxVideo) {
        req.resume();
        throw new ApiError('too-large', `${name}: over the ${bytesText(maxVideo)} a video upload may have`);
      }
      return sendJson(res, await b.openVideoUpload(req, name, maxVideo));
    }
    if (call && parts.length === 1) return answerCall(call, req, url, res);
    switch (route) {
      case 'POST model-files': {
        // A model's spec or labels, uploaded before the model that names them by id.
        if (parts.length !== 1) break;
        const name = url.searchParams.get('name') ?? '';
        return sendJson(res, b.userModels.stageCompanion(await readBody(req, MAX_COMPANION_BYTES), path.basename(name)));
      }
      case 'POST models': {
        if (parts.length !== 1) break;
        const q = modelUploadQuery(url);
        const declared = Number(req.headers['content-length']);
        if (declared > maxModel) {
          req.resume();
          throw new ApiError('too-large', `${q.name}: over the ${sizeText(maxModel)} a model upload may have`);
        }
        return sendJson(res, await b.userModels.addUpload(req, q.name, q, maxModel));
      }
      case 'GET images':
        if (parts.length !== 2) break;
        return sendFile(res, b.imageFile(parts[1]), false);
      case 'GET media':
        // A <video> element's source, by id: GET /api/media/<id>?variant=original|proxy, with ranges.
        if (parts.length !== 2) break;
        return sendMedia(req, res, b.mediaFile(parts[1], url.searchParams.get('variant') ?? 'original'));
      case 'GET jobs':
        if (parts.length !== 4 || parts[2] !== 'files') break;
        return sendFile(res, b.jobFile({ jobId: parts[1], file: parts[3] }), true);
    }
    throw new ApiError('not-found', `no API call ${req.method} ${url.pathname}`);
  }

  /** A row of the call table (src/shared/calls.ts) over HTTP: a JSON body, or a file's bytes with ?name=. */
  async function answerCall(name: CallName, req: IncomingMessage, url: URL, res: ServerResponse): Promise<void> {
    const row = rowOf(name);
    const method = (o.backend[name as keyof ApiBackend] as (arg: unknown) => unknown).bind(o.backend);
    if (row.body === 'file') {
      const fileName = path.basename(url.searchParams.get('name') ?? (name === 'openPrior' ? 'prior.npy' : 'image'));
      return sendJson(res, await method({ name: fileName, bytes: await readBody(req, maxUpload) }));
    }
    if (row.body !== 'json') throw new ApiError('not-found', `no API call ${req.method} ${url.pathname}`);
    // A call without a request reads (and drops) its body, as it always did: no Content-Type needed.
    const request = row.request === NO_REQUEST ? (await readBody(req, MAX_JSON), undefined) : row.request(await readJson(req), '');
    return sendJson(res, await method(request));
  }

  // One client must never take the server down: an 'error' without a listener is thrown, and thrown
  // from a socket's event it ends the process (every job lost). A bad frame (over maxPayload,
  // unmasked, a reserved opcode), a reset connection or a failing write closes that socket only.
  wss.on('error', () => {});
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!guard.hostOk(req) || !guard.originOk(req, true)) return refuse(403, 'Forbidden');
    if (!guard.tokenOk(req, url)) return refuse(401, 'Unauthorized');
    if (url.pathname !== '/api/events') return refuse(404, 'Not Found');
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('error', () => {
        sockets.delete(ws);
        ws.terminate();
      });
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data) => onSocketMessage(ws, data.toString()));
    });
  });

  function onSocketMessage(ws: WebSocket, text: string): void {
    try {
      const msg = socketMessage(JSON.parse(text) as unknown, '');
      // The frame is relayed to the one cancel call (POST /api/cancel answers the same).
      if (msg.type === 'cancel') ws.send(toWire({ type: 'cancel-result', jobId: msg.jobId, ...o.backend.cancel({ jobId: msg.jobId }) }));
      else ws.send(toWire({ type: 'pong' }));
    } catch (err) {
      ws.send(toWire({ type: 'error', ...toErrorBody(err instanceof SyntaxError ? new ApiError('bad-request', 'not JSON') : err) }));
    }
  }

  const onJob = (e: JobEvent) => {
    const text = toWire(e);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text, () => {});
  };
  o.backend.events.on('job', onJob);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  guard.setPort(port);
  // After listening, a server 'error' (a failing accept, say) must not end the process either.
  server.on('error', (err) => process.stderr.write(`borex serve: ${err.message}\n`));
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    async close() {
      o.backend.events.off('job', onJob);
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** POST /api/models?name=NAME.onnx[&spec=ID][&labels=ID]: the body is the .onnx itself. */
function modelUploadQuery(url: URL): { name: string; spec?: string; labels?: string } {
  const query = Object.fromEntries(url.searchParams);
  delete query.token;
  return modelUpload(query, 'query');
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new ApiError('too-large', `request body over ${limit} bytes`));
        req.removeAllListeners('data');
        req.resume(); // drain and discard the rest
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) throw new ApiError('bad-request', 'expected Content-Type: application/json');
  const text = (await readBody(req, MAX_JSON)).toString('utf8');
  try {
    return fromWire(text);
  } catch {
    throw new ApiError('bad-request', 'the body is not valid JSON');
  }
}

function sendJson(res: ServerResponse, value: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(toWire(value));
}

function sendFile(res: ServerResponse, file: string, attachment: boolean): void {
  res.writeHead(200, {
    'content-type': mimeOf(file) ?? 'application/octet-stream',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...(attachment ? { 'content-disposition': `attachment; filename="${path.basename(file)}"` } : {}),
  });
  fs.createReadStream(file).pipe(res);
}

/** A media file with HTTP Range (206 partial, 416 past the end), its MIME type from shared/media.ts. */
function sendMedia(req: IncomingMessage, res: ServerResponse, file: string): void {
  const size = fs.statSync(file).size;
  const range = answerRange(req.headers.range, size);
  const headers = { 'content-type': mimeOf(file) ?? 'application/octet-stream', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...rangeHeaders(range, size) };
  res.writeHead(range.status, headers);
  if (range.status === 416 || req.method === 'HEAD') return void res.end();
  fs.createReadStream(file, range.status === 206 ? { start: range.start, end: range.end } : {}).pipe(res);
}

function sendError(res: ServerResponse, err: unknown): void {
  const body = toErrorBody(err);
  if (res.headersSent) return void res.destroy();
  res.writeHead(HTTP_STATUS[body.error.kind], { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
