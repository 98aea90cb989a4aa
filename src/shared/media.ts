/**
 * The media BOREx Studio reads, declared once for every process: their kinds, file extensions and
 * MIME types. The engine decodes with these, the app checks dropped paths with them, serve and the
 * app:// protocol answer with their MIME types.
 */

export const MEDIA_KINDS = ['image', 'video'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

interface Format {
  /** The format's name as sharp (images) or ffprobe (videos) reports it. */
  format: string;
  /** Lower-case, with the dot; the first is the one a stored copy is named with. */
  extensions: readonly string[];
  mime: string;
}

interface ImageFormat extends Format {
  /**
   * Offered to open one by one (a photo the UI shows with <img>). AVIF and HEIF are only decoded,
   * e.g. in a batch folder: the open dialogs and uploads have never accepted them.
   */
  openable: boolean;
}

/** In this order: the order batch's "no image files (…)" message lists the extensions in. */
export const IMAGE_FORMATS: readonly ImageFormat[] = [
  { format: 'jpeg', extensions: ['.jpg', '.jpeg'], mime: 'image/jpeg', openable: true },
  { format: 'png', extensions: ['.png'], mime: 'image/png', openable: true },
  { format: 'webp', extensions: ['.webp'], mime: 'image/webp', openable: true },
  { format: 'tiff', extensions: ['.tif', '.tiff'], mime: 'image/tiff', openable: true },
  { format: 'bmp', extensions: ['.bmp'], mime: 'image/bmp', openable: true },
  { format: 'gif', extensions: ['.gif'], mime: 'image/gif', openable: true },
  { format: 'avif', extensions: ['.avif'], mime: 'image/avif', openable: false },
  // sharp names AVIF files 'heif' too; no extension of its own here (.heic is not listed in a batch).
  { format: 'heif', extensions: [], mime: 'image/heif', openable: false },
];

/** Videos are recognised (to refuse them by name) until the video engine, src/engine/media/video/, reads them. */
export const VIDEO_FORMATS: readonly Format[] = [
  { format: 'mp4', extensions: ['.mp4', '.m4v'], mime: 'video/mp4' },
  { format: 'mov', extensions: ['.mov'], mime: 'video/quicktime' },
  { format: 'webm', extensions: ['.webm'], mime: 'video/webm' },
  { format: 'matroska', extensions: ['.mkv'], mime: 'video/x-matroska' },
  { format: 'avi', extensions: ['.avi'], mime: 'video/x-msvideo' },
];

/** What probeMedia tells of a medium. */
export type MediaInfo = ImageMediaInfo | VideoMediaInfo;

export interface ImageMediaInfo {
  kind: 'image';
  name: string;
  /** sharp's format name (jpeg, png, …). */
  format: string;
  width: number;
  height: number;
  mime: string;
}

/** A video as ffprobe reads it (engine/media/video/probe.ts), without its per-frame timestamps. */
export interface VideoMediaInfo {
  kind: 'video';
  name: string;
  codec: string;
  /** ffprobe's format name, e.g. "mov,mp4,m4a,3gp,3g2,mj2". */
  container: string;
  /** Upright size (what decoding gives: a rotated phone video is turned upright); shown `displayWidth` wide (the sample aspect ratio). */
  width: number;
  height: number;
  displayWidth: number;
  sar: { num: number; den: number };
  /** The file's rotation: clockwise degrees from its stored frames to upright (already applied to width/height and decoded frames). */
  rotation: number;
  /** Decoded frames (= ffprobe's nb_read_frames) and seconds from the first frame to the end of the last. */
  frameCount: number;
  duration: number;
  /** Average frames per second. */
  frameRate: number;
  variableFrameRate: boolean;
  /** Chromium plays it as is; otherwise the app shows an H.264 proxy. */
  browserPlayable: boolean;
  mime: string;
  warnings: string[];
}

/** Every image extension a batch folder lists. */
export const IMAGE_EXTENSIONS: readonly string[] = IMAGE_FORMATS.flatMap((f) => f.extensions);
/** The image extensions a user may open one by one (dialogs, drops, uploads). */
export const OPENABLE_IMAGE_EXTENSIONS: readonly string[] = IMAGE_FORMATS.filter((f) => f.openable).flatMap((f) => f.extensions);
/** sharp's format names the engine decodes. */
export const DECODABLE_IMAGE_FORMATS: ReadonlySet<string> = new Set(IMAGE_FORMATS.map((f) => f.format));
/** sharp's format names a photo opened one by one may have. */
export const OPENABLE_IMAGE_FORMATS: ReadonlySet<string> = new Set(IMAGE_FORMATS.filter((f) => f.openable).map((f) => f.format));
export const VIDEO_EXTENSIONS: readonly string[] = VIDEO_FORMATS.flatMap((f) => f.extensions);

/** Saliency maps a refinement can import as its prior (engine/methods/imported-prior.ts reads them). */
export const PRIOR_MAP_EXTENSIONS: readonly string[] = ['.npy', '.png', '.tif', '.tiff', '.json'];

/** The extension of a file name or path, lower-case, with its dot ('' when none). */
export function extensionOf(name: string): string {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}

export const isPriorMapFile = (name: string) => PRIOR_MAP_EXTENSIONS.includes(extensionOf(name));
export const isVideoFile = (name: string) => VIDEO_EXTENSIONS.includes(extensionOf(name));

/** What kind of medium a file name says it is, if any. */
export function mediaKindOf(name: string): MediaKind | undefined {
  const ext = extensionOf(name);
  if (IMAGE_EXTENSIONS.includes(ext)) return 'image';
  if (VIDEO_EXTENSIONS.includes(ext)) return 'video';
  return undefined;
}

/** The MIME type of an image sharp reports as `format`. */
export function imageMime(format: string): string | undefined {
  return IMAGE_FORMATS.find((f) => f.format === format)?.mime;
}

/** MIME types of the files the app serves that are not media (job outputs, the UI itself). */
const OTHER_MIME: Record<string, string> = {
  '.json': 'application/json',
  '.npy': 'application/octet-stream',
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

/** The MIME type a file is served with, by its extension (undefined when unknown). */
export function mimeOf(name: string): string | undefined {
  const ext = extensionOf(name);
  return [...IMAGE_FORMATS, ...VIDEO_FORMATS].find((f) => f.extensions.includes(ext))?.mime ?? OTHER_MIME[ext];
}
