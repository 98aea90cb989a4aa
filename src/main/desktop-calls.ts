import fs from 'node:fs';
import path from 'node:path';
import type { BrowserWindow, Dialog } from 'electron';
import type { ApiBackend } from '../app/backend.ts';
import { fileRequest, openModelPaths, type AppInfo, type AppSettings, type ImageInfo, type ModelListing } from '../shared/api.ts';
import type { FileInput } from '../shared/calls.ts';
import { ApiError } from '../shared/errors.ts';
import type { PathGrants } from './grants.ts';
import { checkModelPaths, checkUserPath } from './paths.ts';
import type { SettingsStore } from './settings.ts';

export interface DesktopDeps {
  backend: ApiBackend;
  settings: SettingsStore;
  dialog: Pick<Dialog, 'showSaveDialog'>;
  window: () => BrowserWindow | undefined;
  /** Starts the engine again (now, or after the running job) so new settings take effect. */
  restartEngine: () => void;
  /** The recent-files list changed (the menu shows it). */
  recentChanged?: () => void;
  /** The file tokens the preload was given (openModel's files arrive as tokens). */
  grants: PathGrants;
}

/** The settings the engine process is started with. */
const ENGINE_SETTINGS = ['modelDir', 'executionProvider', 'threads'] as const;

/**
 * The calls the desktop app answers itself or does more for than serve: a method per row of the
 * call table (src/shared/calls.ts), named as the row; every other call goes to the ApiBackend.
 */
export class DesktopCalls {
  constructor(private readonly deps: DesktopDeps) {}

  info(): AppInfo {
    return { ...this.deps.backend.info(), transport: 'ipc' };
  }

  /** Opened photos go to the recent-files list. */
  async openImage(file: FileInput): Promise<ImageInfo> {
    const info = await this.deps.backend.openImage(file);
    if ('path' in file) this.addRecent(file.path);
    return info;
  }

  /** A model's files as tokens (grants.ts): the .onnx, and its spec (which must be its sidecar) and labels. */
  async openModel(raw: unknown): Promise<ModelListing> {
    const given = openModelPaths(raw, '');
    const { grants } = this.deps;
    const { model, labels } = checkModelPaths({
      model: grants.pathOf(given.model),
      ...(given.spec === undefined ? {} : { spec: grants.pathOf(given.spec) }),
      ...(given.labels === undefined ? {} : { labels: grants.pathOf(given.labels) }),
    });
    const listing = await this.deps.backend.userModels.addPaths(model, labels);
    this.addRecent(model);
    return listing;
  }

  /** Copies one of a finished job's files where the user chooses in a save dialog. */
  async exportFile(raw: unknown): Promise<{ saved: boolean }> {
    const source = this.deps.backend.jobFile(raw);
    const { file } = fileRequest(raw, '');
    const win = this.deps.window();
    const options = { defaultPath: file, properties: ['createDirectory' as const, 'showOverwriteConfirmation' as const] };
    const choice = win ? await this.deps.dialog.showSaveDialog(win, options) : await this.deps.dialog.showSaveDialog(options);
    if (choice.canceled || !choice.filePath) return { saved: false };
    fs.copyFileSync(source, path.resolve(choice.filePath));
    return { saved: true };
  }

  getSettings(): AppSettings {
    return this.deps.settings.get();
  }

  setSettings(patch: Record<string, unknown>): AppSettings {
    const { settings } = this.deps;
    if (patch.modelDir !== undefined) patch.modelDir = checkUserPath(patch.modelDir, 'folder');
    if ('recent' in patch) throw new ApiError('bad-request', 'recent: set by the app only');
    const before = settings.get();
    const after = settings.update(patch);
    if (ENGINE_SETTINGS.some((k) => before[k] !== after[k])) this.deps.restartEngine();
    return after;
  }

  private addRecent(file: string): void {
    this.deps.settings.addRecent(file);
    this.deps.recentChanged?.();
  }
}
