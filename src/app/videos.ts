import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { BorexError } from '../engine/errors.ts';
import { probeVideo, type VideoInfo } from '../engine/media/video/probe.ts';
import { readTubeFile } from '../engine/metrics/tube.ts';
import type { FileInput } from '../shared/calls.ts';
import { ApiError } from '../shared/errors.ts';
import { extensionOf, isVideoFile, VIDEO_EXTENSIONS } from '../shared/media.ts';
import type { MediaVariant, OpenedTube, OpenedVideo } from '../shared/api.ts';
import { describeVideo } from './probe-video.ts';
import { writeLimited } from './user-models.ts';

/** Serve's default limit on one video upload (`borex serve --max-video-bytes`). */
export const MAX_VIDEO_BYTES = 2 * 1024 ** 3;

/** "2 GiB", "700 MiB", "4096 bytes": sizes in the upload limit's message. */
export function bytesText(bytes: number): string {
  if (bytes >= 1024 ** 3 && bytes % 1024 ** 3 === 0) return `${bytes / 1024 ** 3} GiB`;
  if (bytes >= 1024 ** 2) return `${Math.round(bytes / 1024 ** 2)} MiB`;
  return `${bytes} bytes`;
}

const newId = () => randomBytes(9).toString('base64url');
const safeName = (name: string) => path.basename(name).replace(/[^A-Za-z0-9._ -]+/g, '_').replace(/^\.+/, '_') || 'video';

/** A video of this session: where it is, the name the user knows it by, its probe, its proxy once made. */
export interface SessionVideo {
  id: string;
  file: string;
  name: string;
  info: VideoInfo;
  proxy?: string;
  /** The session's own folder for this video (uploads, the proxy); removed with the session. */
  dir: string;
}

/**
 * The videos and tube files of a session (the video view): opened by path in the app (main has
 * re-checked it), or uploaded in serve, where the body is streamed to disk under the session's
 * folder, never held in memory. Messages name the file as the user knows it, never a stored copy.
 * Media are served by id only (mediaFile), never by a path from the client.
 */
export class SessionVideos {
  private readonly videos = new Map<string, SessionVideo>();
  private readonly tubes = new Map<string, { file: string; name: string }>();

  constructor(private readonly workDir: string) {}

  async open(file: FileInput): Promise<OpenedVideo> {
    if ('path' in file) return this.register(newId(), file.path, path.basename(file.path), path.join(this.workDir, 'videos', newId()), false);
    const { id, dir, stored } = this.slot(file.name);
    fs.writeFileSync(stored, file.bytes);
    return this.register(id, stored, file.name, dir, true);
  }

  /** Serve: an upload streamed to disk, refused past `limit` bytes (413) before it is probed. */
  async upload(body: Readable, name: string, limit: number): Promise<OpenedVideo> {
    const { id, dir, stored } = this.slot(name, body);
    try {
      await writeLimited(body, stored, limit, name, 'a video upload', bytesText);
    } catch (err) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    return this.register(id, stored, name, dir, true);
  }

  get(id: string): SessionVideo {
    const v = this.videos.get(id);
    if (!v) throw new ApiError('not-found', `no video with id ${id}`);
    return v;
  }

  /** The file a <video> element plays: the video itself, or its proxy once a makeProxy job made it. */
  mediaFile(id: string, variant: MediaVariant | string): string {
    const v = this.get(id);
    if (variant === 'original') return v.file;
    if (variant !== 'proxy') throw new ApiError('bad-request', `variant must be original or proxy, got ${JSON.stringify(variant.slice(0, 40))}`);
    if (!v.proxy) throw new ApiError('not-found', `${v.name} has no proxy yet: start a makeProxy job for it`);
    return v.proxy;
  }

  /** Where a proxy job writes this video's proxy. */
  proxyPath(id: string): string {
    const v = this.get(id);
    fs.mkdirSync(v.dir, { recursive: true });
    return path.join(v.dir, 'proxy.mp4');
  }

  setProxy(id: string, file: string): void {
    this.get(id).proxy = file;
  }

  openTube(file: FileInput): OpenedTube {
    const name = ('path' in file ? path.basename(file.path) : file.name).slice(0, 200);
    if (!['.json', '.csv'].includes(extensionOf(name))) throw new ApiError('bad-input', `${name}: a tube file is .json ({"frame": [[x0,y0,x1,y1],...]}) or .csv (frame,x0,y0,x1,y1)`);
    const id = newId();
    let stored: string;
    if ('path' in file) stored = file.path;
    else {
      const dir = path.join(this.workDir, 'tubes', id);
      fs.mkdirSync(dir, { recursive: true });
      stored = path.join(dir, safeName(name));
      fs.writeFileSync(stored, file.bytes);
    }
    this.tubes.set(id, { file: stored, name });
    return { id, name };
  }

  /** A tube file read against a video now, so a bad one is refused when the job is asked for, naming the tube as the user knows it. */
  checkedTube(tubeId: string, video: SessionVideo): { file: string; name: string } {
    const tube = this.tubes.get(tubeId);
    if (!tube) throw new ApiError('not-found', `no tube file with id ${tubeId}`);
    try {
      readTubeFile(tube.file, video.info);
    } catch (err) {
      throw renamed(err, tube.file, tube.name);
    }
    return tube;
  }

  private slot(name: string, body?: Readable): { id: string; dir: string; stored: string } {
    if (!isVideoFile(name)) {
      body?.resume(); // drain: the client gets the answer, not a reset connection
      throw new ApiError('bad-input', `${name}: not a video file (${VIDEO_EXTENSIONS.join(' ')})`);
    }
    const id = newId();
    const dir = path.join(this.workDir, 'videos', id);
    fs.mkdirSync(dir, { recursive: true });
    return { id, dir, stored: path.join(dir, safeName(name)) };
  }

  private async register(id: string, file: string, name: string, dir: string, owned: boolean): Promise<OpenedVideo> {
    const shown = name.slice(0, 200);
    if (!isVideoFile(file)) throw new ApiError('bad-input', `${shown}: not a video file (${VIDEO_EXTENSIONS.join(' ')})`);
    let info: VideoInfo;
    try {
      info = await probeVideo(file);
    } catch (err) {
      if (owned) fs.rmSync(dir, { recursive: true, force: true });
      throw renamed(err, file, shown);
    }
    info = { ...info, warnings: info.warnings.map((w) => w.split(file).join(shown)) };
    this.videos.set(id, { id, file, name: shown, info, dir });
    return { ...describeVideo(info, shown), id, pts: Array.from(info.pts), durations: Array.from(info.frameDurations), proxyReady: false };
  }
}

/** An engine error about a stored file, naming the file as the user knows it. */
export function renamed(err: unknown, stored: string, name: string): unknown {
  if (err instanceof BorexError) return new BorexError(err.kind, err.message.split(stored).join(name), { cause: err });
  return err;
}
