import fs from 'node:fs';
import path from 'node:path';
import type { BrowserWindow, Dialog, IpcMain, IpcMainInvokeEvent } from 'electron';
import type { ApiBackend } from '../app/backend.ts';
import { fileRequest, type JobEvent } from '../shared/api.ts';
import { ApiError, toErrorBody } from '../shared/errors.ts';
import { IPC, type IpcReply } from '../shared/ipc.ts';
import { checkModelPaths, checkUserPath } from './paths.ts';
import { isTrustedSender } from './security.ts';
import type { SettingsStore } from './settings.ts';

export interface IpcDeps {
  backend: ApiBackend;
  settings: SettingsStore;
  dialog: Pick<Dialog, 'showSaveDialog'>;
  window: () => BrowserWindow | undefined;
  /** Starts the engine again (now, or after the running job) so new settings take effect. */
  restartEngine: () => void;
  /** The recent-files list changed (the menu shows it). */
  recentChanged?: () => void;
}

/** The settings the engine process is started with. */
const ENGINE_SETTINGS = ['modelDir', 'executionProvider', 'threads'] as const;

/**
 * One invoke handler per API call. Each refuses senders other than our own page, validates its
 * argument (the backend's schemas; paths re-checked here) and answers { ok } or { error }.
 */
export function registerIpc(ipcMain: Pick<IpcMain, 'handle'>, deps: IpcDeps): () => void {
  const { backend, settings } = deps;
  const handle = (channel: string, fn: (arg: unknown) => unknown) =>
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, arg: unknown): Promise<IpcReply<unknown>> => {
      try {
        if (!isTrustedSender(event)) throw new ApiError('forbidden', 'IPC from an unknown page refused');
        return { ok: await fn(arg) };
      } catch (err) {
        return toErrorBody(err);
      }
    });

  handle(IPC.info, () => ({ ...backend.info(), transport: 'ipc' }));
  handle(IPC.openImagePath, async (arg) => {
    const file = checkUserPath(arg, 'image');
    const info = await backend.addImagePath(file);
    settings.addRecent(file);
    deps.recentChanged?.();
    return info;
  });
  handle(IPC.openPriorPath, (arg) => backend.addPriorPath(checkUserPath(arg, 'prior')));
  handle(IPC.openModelPath, async (arg) => {
    const { model, labels } = checkModelPaths(arg);
    const listing = await backend.userModels.addPaths(model, labels);
    settings.addRecent(model);
    deps.recentChanged?.();
    return listing;
  });
  handle(IPC.openFolderPath, (arg) => backend.addFolder(checkUserPath(arg, 'folder')));
  handle(IPC.classify, (arg) => backend.classify(arg));
  handle(IPC.explain, (arg) => backend.explain(arg));
  handle(IPC.batch, (arg) => backend.batch(arg));
  handle(IPC.runs, () => backend.runs());
  handle(IPC.openRun, (arg) => backend.openRun(arg));
  handle(IPC.resumeRun, (arg) => backend.resumeRun(arg));
  handle(IPC.cancel, (arg) => backend.cancel(arg));
  handle(IPC.exportFile, async (arg) => {
    const source = backend.jobFile(arg);
    const { file } = fileRequest(arg, '');
    const win = deps.window();
    const options = { defaultPath: file, properties: ['createDirectory' as const, 'showOverwriteConfirmation' as const] };
    const choice = win ? await deps.dialog.showSaveDialog(win, options) : await deps.dialog.showSaveDialog(options);
    if (choice.canceled || !choice.filePath) return { saved: false };
    fs.copyFileSync(source, path.resolve(choice.filePath));
    return { saved: true };
  });
  handle(IPC.getSettings, () => settings.get());
  handle(IPC.setSettings, (arg) => {
    const patch = typeof arg === 'object' && arg !== null ? { ...(arg as Record<string, unknown>) } : {};
    if (patch.modelDir !== undefined) patch.modelDir = checkUserPath(patch.modelDir, 'folder');
    if ('recent' in patch) throw new ApiError('bad-request', 'recent: set by the app only');
    const before = settings.get();
    const after = settings.update(patch);
    if (ENGINE_SETTINGS.some((k) => before[k] !== after[k])) deps.restartEngine();
    return after;
  });

  const forward = (e: JobEvent) => deps.window()?.webContents.send(IPC.jobEvent, e);
  backend.events.on('job', forward);
  return () => backend.events.off('job', forward);
}
