import { JOB_EVENT_TYPES, type BorexApi, type FileRequest, type JobEvent, type ModelListing } from '../../../shared/api.ts';
import { callNames, httpRoute, isAppOnly, rowOf } from '../../../shared/calls.ts';
import { pickModelFiles } from '../../../shared/model-files.ts';
import { fromWire, toWire } from '../../../shared/wire.ts';

/**
 * The API over HTTP + WebSocket (`borex serve`). The access token comes in the page's URL once;
 * it is kept for this tab in sessionStorage and removed from the address bar.
 */
export function httpApi(): BorexApi {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem('borex-token', fromUrl);
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  const token = fromUrl ?? sessionStorage.getItem('borex-token') ?? '';
  const q = `token=${encodeURIComponent(token)}`;
  const listeners = new Set<(e: JobEvent) => void>();

  async function call<T>(path: string, body: BodyInit, contentType: string): Promise<T> {
    const res = await fetch(`/api/${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': contentType }, body });
    const text = await res.text();
    if (!res.ok) {
      let message = `${res.status} ${res.statusText}`;
      try {
        message = (JSON.parse(text) as { error: { message: string } }).error.message;
      } catch {
        /* keep the status line */
      }
      throw new Error(message);
    }
    return fromWire<T>(text);
  }
  const json = <T>(path: string, body: unknown = {}) => call<T>(path, toWire(body), 'application/json');

  let socket: WebSocket | undefined;
  function connect(): void {
    socket = new WebSocket(`ws://${location.host}/api/events?${q}`);
    socket.onmessage = (m) => {
      const event = fromWire<JobEvent | { type: string }>(String(m.data));
      if ((JOB_EVENT_TYPES as readonly string[]).includes(event.type)) for (const l of listeners) l(event as JobEvent);
    };
    socket.onclose = () => setTimeout(connect, 1000);
  }
  connect();
  const ready = new Promise<void>((resolve) => socket?.addEventListener('open', () => resolve(), { once: true }));

  const upload = <T>(path: string, file: File) => call<T>(path, file, 'application/octet-stream');

  /** Spec and labels first (small), then the .onnx itself naming them; the server opens it at once. */
  async function openModel(files: File[]): Promise<ModelListing> {
    const picked = pickModelFiles(files, (f) => f.name);
    const query = new URLSearchParams({ name: picked.model.name });
    for (const kind of ['spec', 'labels'] as const) {
      const f = picked[kind];
      if (f) query.set(kind, (await upload<{ id: string }>(`model-files?name=${encodeURIComponent(f.name)}`, f)).id);
    }
    return upload<ModelListing>(`models?${query}`, picked.model);
  }

  const fileUrl = (r: FileRequest) => `/api/jobs/${encodeURIComponent(r.jobId)}/files/${encodeURIComponent(r.file)}?${q}`;
  /** The table's calls over HTTP: JSON rows as POST /api/<route>, file rows as the file's bytes. */
  const calls = Object.fromEntries(
    callNames
      .filter((name) => !isAppOnly(name))
      .flatMap((name) => {
        const row = rowOf(name);
        const route = httpRoute(name);
        if (row.body === 'file') return [[name, (file: File) => upload(`${route}?name=${encodeURIComponent(file.name)}`, file)]];
        if (row.body !== 'json') return [];
        // Events of a job are only sent to sockets open when they happen: wait for ours first.
        return [[name, async (request: unknown = {}) => (row.startsJob && (await ready), json(route, request))]];
      }),
  );

  return {
    ...(calls as unknown as BorexApi),
    openModel,
    imageUrl: (id) => `/api/images/${encodeURIComponent(id)}?${q}`,
    fileUrl,
    mediaUrl: (id, variant) => `/api/media/${encodeURIComponent(id)}?variant=${encodeURIComponent(variant)}&${q}`,
    async exportFile(r) {
      const a = document.createElement('a');
      a.href = fileUrl(r);
      a.download = r.file;
      a.click();
    },
    onJobEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
