import fs from 'node:fs';
import path from 'node:path';
import { openModelPaths } from '../shared/api.ts';
import type { PathKind } from '../shared/calls.ts';
import { ApiError } from '../shared/errors.ts';
import { OPENABLE_IMAGE_EXTENSIONS, PRIOR_MAP_EXTENSIONS, VIDEO_EXTENSIONS } from '../shared/media.ts';

export type { PathKind };
const EXTENSIONS: Record<Exclude<PathKind, 'folder'>, readonly string[]> = {
  image: OPENABLE_IMAGE_EXTENSIONS,
  /** Anything probeMedia answers for: a photo, or a video (refused there by name, for now). */
  media: [...OPENABLE_IMAGE_EXTENSIONS, ...VIDEO_EXTENSIONS],
  model: ['.onnx'],
  annotation: ['.xml'],
  prior: PRIOR_MAP_EXTENSIONS,
  spec: ['.json'],
  labels: ['.txt'],
  video: VIDEO_EXTENSIONS,
  tube: ['.json', '.csv'],
};
const WHAT: Record<Exclude<PathKind, 'folder'>, string> = {
  image: 'an image',
  media: 'a photo or a video',
  model: 'an .onnx model',
  annotation: 'a VOC .xml file',
  prior: 'a map file (.npy, .png, .tif, .json)',
  spec: 'a model spec (.borex.json)',
  labels: 'a labels file (.txt)',
  video: `a video (${VIDEO_EXTENSIONS.join(', ')})`,
  tube: 'a tube file (.json, .csv)',
};

/**
 * A path that came from the renderer (a drop, an open-with, a recent file) is checked again here
 * before main touches it: absolute, existing, the right kind and extension, symlinks resolved.
 */
export function checkUserPath(value: unknown, kind: PathKind): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 4096 || value.includes('\0')) throw new ApiError('bad-request', 'not a path');
  if (!path.isAbsolute(value)) throw new ApiError('bad-request', `${value}: not an absolute path`);
  let real: string;
  let stat: fs.Stats;
  try {
    real = fs.realpathSync(value);
    stat = fs.statSync(real);
  } catch {
    throw new ApiError('bad-input', `${value}: no such file or folder`);
  }
  if (kind === 'folder') {
    if (!stat.isDirectory()) throw new ApiError('bad-input', `${value}: not a folder`);
    return real;
  }
  if (!stat.isFile()) throw new ApiError('bad-input', `${value}: not a file`);
  if (!EXTENSIONS[kind].includes(path.extname(real).toLowerCase())) throw new ApiError('bad-input', `${value}: not ${WHAT[kind]}`);
  return real;
}

/** What a path dropped or passed on the command line is, if the app can open it. */
export function classifyPath(value: string): PathKind | undefined {
  for (const kind of ['image', 'video', 'model', 'annotation', 'folder'] as const) {
    try {
      checkUserPath(value, kind);
      return kind;
    } catch {
      /* try the next kind */
    }
  }
  return undefined;
}

/**
 * The files of a user's model, from the renderer: the .onnx, and its labels wherever they are.
 * The engine reads a spec only from beside the model (NAME.borex.json), so a spec given with it
 * must be that very file; any other is refused with where to put it (never silently ignored).
 */
export function checkModelPaths(value: unknown): { model: string; labels?: string } {
  const given = openModelPaths(value, '');
  const model = checkUserPath(given.model, 'model');
  const labels = given.labels === undefined ? undefined : checkUserPath(given.labels, 'labels');
  if (given.spec !== undefined) {
    const spec = checkUserPath(given.spec, 'spec');
    const sidecar = model.replace(/\.onnx$/i, '') + '.borex.json';
    if (spec !== sidecar) throw new ApiError('bad-input', `${given.spec}: a model's spec is read from beside it as ${path.basename(sidecar)}; copy it to ${sidecar}`);
  }
  return { model, labels };
}
