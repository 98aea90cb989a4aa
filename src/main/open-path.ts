import fs from 'node:fs';
import path from 'node:path';
import type { ApiBackend } from '../app/backend.ts';
import type { OpenedItem } from '../shared/api.ts';
import { ApiError } from '../shared/errors.ts';
import { checkModelPaths, checkUserPath, classifyPath } from './paths.ts';
import type { SettingsStore } from './settings.ts';

/** The size of VOC XML the explain request carries (api.ts groundTruth). */
const MAX_ANNOTATION_BYTES = 200_000;

/**
 * A path main opens by itself (open-with, a second launch, a recent file, File ▸ Open Folder):
 * checked again, registered with the backend, and described for the renderer, which shows it in
 * the right view. Whatever cannot be opened is refused with the reason.
 */
export async function openUserPath(p: string, backend: ApiBackend, settings: SettingsStore): Promise<OpenedItem> {
  const item = await open(p, backend);
  settings.addRecent(fs.realpathSync(p));
  return item;
}

async function open(p: string, backend: ApiBackend): Promise<OpenedItem> {
  switch (classifyPath(p)) {
    case 'image':
      return { type: 'image', image: await backend.addImagePath(checkUserPath(p, 'image')) };
    case 'video':
      return { type: 'video', video: await backend.openVideo({ path: checkUserPath(p, 'video') }) };
    case 'model':
      return { type: 'model', model: await backend.userModels.addPaths(checkModelPaths({ model: p }).model) };
    case 'folder':
      return { type: 'folder', folder: backend.addFolder(checkUserPath(p, 'folder')) };
    case 'annotation': {
      const file = checkUserPath(p, 'annotation');
      if (fs.statSync(file).size > MAX_ANNOTATION_BYTES) throw new ApiError('too-large', `${p}: over ${MAX_ANNOTATION_BYTES} bytes; not a VOC annotation`);
      return { type: 'annotation', name: path.basename(file), xml: fs.readFileSync(file, 'utf8') };
    }
    default:
      throw new ApiError('bad-input', `${p}: not something BOREx Studio opens (a photo, a video, an .onnx model, a folder of photos, or a VOC .xml annotation)`);
  }
}
