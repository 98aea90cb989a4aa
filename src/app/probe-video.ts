import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BorexError } from '../engine/errors.ts';
import { probeVideo } from '../engine/media/video/probe.ts';
import type { FileInput } from '../shared/calls.ts';
import { mimeOf, type VideoMediaInfo } from '../shared/media.ts';

/**
 * probeMedia for a video: ffprobe reads it where it is (app: the user's path) or, for an upload
 * (serve), from a private copy in the session's folder that is removed at once. Messages name the
 * user's file, never that copy.
 */
export async function probeVideoMedia(file: FileInput, name: string, workDir: string): Promise<VideoMediaInfo> {
  if ('path' in file) return describeVideo(await probeVideo(file.path), name);
  const dir = path.join(workDir, 'probe', randomBytes(6).toString('hex'));
  const copy = path.join(dir, `upload${path.extname(name).toLowerCase()}`);
  fs.mkdirSync(dir, { recursive: true });
  try {
    fs.writeFileSync(copy, file.bytes);
    const info = await probeVideo(copy);
    return describeVideo({ ...info, warnings: info.warnings.map((w) => w.split(copy).join(name)) }, name);
  } catch (err) {
    if (err instanceof BorexError) throw new BorexError(err.kind, err.message.split(copy).join(name), { cause: err });
    throw err;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A probe as probeMedia and openVideo answer it. */
export function describeVideo(v: Awaited<ReturnType<typeof probeVideo>>, name: string): VideoMediaInfo {
  const rate = v.avgFrameRate ?? v.rFrameRate;
  return {
    kind: 'video',
    name,
    codec: v.codec,
    container: v.container,
    width: v.width,
    height: v.height,
    displayWidth: v.displayWidth,
    sar: { num: v.sar.num, den: v.sar.den },
    rotation: v.rotation,
    frameCount: v.frameCount,
    duration: v.duration,
    frameRate: rate ? rate.num / rate.den : v.frameCount / v.duration,
    variableFrameRate: v.variableFrameRate,
    browserPlayable: v.browserPlayable,
    mime: mimeOf(name) ?? 'application/octet-stream',
    warnings: v.warnings,
  };
}
