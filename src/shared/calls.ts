/**
 * The one table of API calls. Each row names a call, how its request travels and is checked, and
 * the type of its reply. It drives every transport: the Electron IPC handlers (src/main/ipc.ts),
 * the preload bridge (src/preload/index.ts), serve's HTTP routes (src/cli/serve/server.ts) and the
 * browser client (src/renderer/src/lib/http-api.ts). A new call is one row here plus a method of
 * the same name on the implementation (src/app/backend.ts, or src/main/desktop-api.ts for app-only
 * calls); no transport needs an edit.
 *
 * Row shapes (`body`):
 *  - 'json': a JSON request, validated by `request` wherever it arrives; HTTP `POST /api/<route>`.
 *  - 'file': one file the user chose or dropped: in the app a token main minted for it (never a
 *    path from the page: src/main/grants.ts), redeemed and re-checked by main as `path`
 *    before the implementation sees it; in serve the file's bytes, `POST /api/<route>?name=NAME`.
 *  - 'model-files' / 'export': calls whose transports differ beyond that (a model's several files;
 *    a save dialog vs a download); each transport implements them itself.
 */
import { batchRequest, classifyRequest, explainRequest, explainVideoRequest, exportVideoRequest, jobRequest, resumeRunRequest, runRequest, videoRequest, type FileRequest } from './requests.ts';
import type {
  AppInfo,
  AppSettings,
  BatchStarted,
  ClassifyResponse,
  ImageInfo,
  JobStarted,
  ModelListing,
  OpenedFolder,
  RunComparison,
  OpenedTube,
  OpenedVideo,
  RunListing,
} from './results.ts';
import type { MediaInfo } from './media.ts';
import { runItemRequest, runThumbnailsRequest, type OpenedRunItem, type ReopenedRun, type RunThumbnails } from './run-item.ts';
import type { Schema } from './schema.ts';

/** The kinds of path main re-checks before it opens one (src/main/paths.ts). */
export type PathKind = 'image' | 'media' | 'model' | 'folder' | 'annotation' | 'prior' | 'spec' | 'labels' | 'video' | 'tube';

/** Where a call exists: both transports, or the desktop app only. */
type Only = { only?: 'app' };
/** The reply's type, carried by the row for the clients (never a value). */
type Replies<T> = { reply: T };

export type JsonRow<Req, Rep> = Only & Replies<Rep> & {
  body: 'json';
  request: Schema<Req>;
  /** The reply starts a job: the browser client waits for its event socket first (events are not replayed). */
  startsJob?: boolean;
};
export type FileRow<Rep> = Only & Replies<Rep> & { body: 'file'; path: PathKind; route?: string };
export type SpecialRow<Rep, B extends 'model-files' | 'export' = 'model-files' | 'export'> = Only & Replies<Rep> & { body: B };
type Row = JsonRow<unknown, unknown> | FileRow<unknown> | SpecialRow<unknown>;

const reply = <T>() => undefined as unknown as T;
/** A call without a request: whatever comes is ignored, as it always was. */
export const NO_REQUEST: Schema<void> = () => undefined;
const nothing = NO_REQUEST;
/** A settings patch: an object (anything else patches nothing); main's settings store checks each field (src/main/settings.ts). */
const settingsPatch: Schema<Partial<Omit<AppSettings, 'recent'>>> = (v) => (typeof v === 'object' && v !== null ? { ...(v as Record<string, unknown>) } : {}) as Partial<AppSettings>;

// `more` keeps its literal type, so a row made with { only: 'app' } is known to be app-only (CallClient);
// NoInfer: the table's `satisfies` must not widen it.
const json = <Req, Rep, M extends { startsJob?: boolean } & Only = object>(request: Schema<Req>, _reply: Rep, more?: M): JsonRow<Req, Rep> & NoInfer<M> => ({ body: 'json', request, reply: _reply, ...more }) as JsonRow<Req, Rep> & M;
const file = <Rep, M extends { route?: string } & Only = object>(path: PathKind, _reply: Rep, more?: M): FileRow<Rep> & NoInfer<M> => ({ body: 'file', path, reply: _reply, ...more }) as FileRow<Rep> & M;

export const CALLS = {
  info: json(nothing, reply<AppInfo>()),
  /** A photo chosen or dropped by the user. */
  openImage: file('image', reply<ImageInfo>(), { route: 'images' }),
  /** A saliency map to refine (.npy, .png, .tif, .json). */
  openPrior: file('prior', reply<{ id: string; name: string }>(), { route: 'priors' }),
  /** The user's own .onnx with, optionally, its spec and labels; opened by the engine at once. */
  openModel: { body: 'model-files', reply: reply<ModelListing>() } as SpecialRow<ModelListing, 'model-files'>,
  /** A folder of photos, for a batch over it. */
  openFolder: file('folder', reply<OpenedFolder>(), { only: 'app' }),
  /** What a medium is (kind, format, size, MIME type), without opening it for a job. */
  probeMedia: file('media', reply<MediaInfo>()),
  classify: json(classifyRequest, reply<ClassifyResponse>()),
  explain: json(explainRequest, reply<JobStarted>(), { startsJob: true }),
  batch: json(batchRequest, reply<BatchStarted>(), { startsJob: true }),
  runs: json(nothing, reply<{ dir: string; runs: RunListing[] }>()),
  openRun: json(runRequest, reply<ReopenedRun>()),
  /** A run's Wilcoxon tables, as `borex compare RUN_DIR` computes them. */
  compareRun: json(runRequest, reply<RunComparison>()),
  /** One item of a run (by run id and item key) for the Explain view: its photo, geometry, each method's map, prior, metrics and curves. */
  openRunItem: json(runItemRequest, reply<OpenedRunItem>()),
  /** A run's photo thumbnails (64 px JPEG data: URLs by name in the run). */
  runThumbnails: json(runThumbnailsRequest, reply<RunThumbnails>()),
  resumeRun: json(resumeRunRequest, reply<BatchStarted>(), { startsJob: true }),
  /** The one way to cancel a job (serve's WebSocket `cancel` frame is relayed to it). */
  cancel: json(jobRequest, reply<{ cancelled: boolean }>()),
  /** Saves (app) or downloads (browser) one of a finished job's files. */
  exportFile: { body: 'export', reply: reply<void>() } as SpecialRow<void, 'export'>,
  /** A video for the video view: probed, with every frame's pts; serve streams the upload to disk (its own size limit). */
  openVideo: file('video', reply<OpenedVideo>(), { route: 'videos' }),
  /** A tube file (JSON {frame: [[x0,y0,x1,y1],...]} or CSV frame,x0,y0,x1,y1, in video pixels) for explainVideo. */
  openTube: file('tube', reply<OpenedTube>(), { route: 'tubes' }),
  /** The engine's H.264 proxy of a video the browser cannot play; done: 'proxy-done'. */
  makeProxy: json(videoRequest, reply<JobStarted>(), { startsJob: true }),
  /** A clip model explained on an opened video, clip by clip; done: 'video-done'. */
  explainVideo: json(explainVideoRequest, reply<JobStarted>(), { startsJob: true }),
  /** An annotated MP4 of a finished explainVideo job; done: 'export-done', its annotated.mp4 through exportFile. */
  exportVideo: json(exportVideoRequest, reply<JobStarted>(), { startsJob: true }),
  getSettings: json(nothing, reply<AppSettings>(), { only: 'app' }),
  setSettings: json(settingsPatch, reply<AppSettings>(), { only: 'app' }),
} satisfies Record<string, Row>;

export type Calls = typeof CALLS;
export type CallName = keyof Calls;
export type ReplyOf<K extends CallName> = Calls[K]['reply'];
export type RequestOf<K extends CallName> = Calls[K] extends { body: 'json'; request: Schema<infer Req> } ? Req : never;
/** Calls of one body shape. */
export type CallsWith<B extends Row['body']> = { [K in CallName]: Calls[K]['body'] extends B ? K : never }[CallName];

/** A file as the implementation receives it: by path (app, re-checked by main) or as bytes (serve). */
export type FileInput = { path: string } | { name: string; bytes: Uint8Array };

/** What implements the calls of rows of one shape: a method named as the row. */
export type JsonImpl<K extends CallsWith<'json'>> = { [C in K]: (request: unknown) => ReplyOf<C> | Promise<ReplyOf<C>> };
export type FileImpl<K extends CallsWith<'file'>> = { [C in K]: (file: FileInput) => ReplyOf<C> | Promise<ReplyOf<C>> };

export const callNames = Object.keys(CALLS) as CallName[];
export const rowOf = (name: CallName): Row => CALLS[name];
export const isAppOnly = (name: CallName) => (rowOf(name) as Only).only === 'app';

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The HTTP route of a call: POST /api/<route>. */
export function httpRoute(name: CallName): string {
  const row = rowOf(name);
  return (row.body === 'file' && row.route) || kebab(name);
}

/** The IPC channel key of a call: file calls carry a path over IPC, and say so (openImagePath). */
type IpcKey<K extends CallName> = Calls[K]['body'] extends 'file' | 'model-files' ? `${K}Path` : K;
export type IpcChannels = { [K in CallName as IpcKey<K>]: string };

export function ipcKey(name: CallName): string {
  const body = rowOf(name).body;
  return body === 'file' || body === 'model-files' ? `${name}Path` : name;
}

/** `borex:<call>` channels, one per call (openImage → borex:open-image-path). */
export const CALL_CHANNELS = Object.fromEntries(callNames.map((n) => [ipcKey(n), `borex:${kebab(ipcKey(n))}`])) as IpcChannels;
export const channelOf = (name: CallName): string => (CALL_CHANNELS as Record<string, string>)[ipcKey(name)];

/** A call as a client makes it: a request (none for calls without), a File, a model's Files. */
type ClientMethod<K extends CallName> = Calls[K]['body'] extends 'file'
  ? (file: File) => Promise<ReplyOf<K>>
  : Calls[K]['body'] extends 'model-files'
    ? (files: File[]) => Promise<ReplyOf<K>>
    : Calls[K]['body'] extends 'export'
      ? (request: FileRequest) => Promise<ReplyOf<K>>
      : [RequestOf<K>] extends [void]
        ? () => Promise<ReplyOf<K>>
        : (request: RequestOf<K>) => Promise<ReplyOf<K>>;
type AppOnlyCalls = { [K in CallName]: Calls[K] extends { only: 'app' } ? K : never }[CallName];
/** The client's side of the table: app-only calls are absent in a browser. */
export type CallClient = { [K in Exclude<CallName, AppOnlyCalls>]: ClientMethod<K> } & { [K in AppOnlyCalls]?: ClientMethod<K> };
