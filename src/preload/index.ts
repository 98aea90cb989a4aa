/**
 * The preload (sandboxed, context-isolated): one function per API call over invoke channels,
 * never raw ipcRenderer. Dropped files reach main as paths (webUtils), where they are re-checked.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { AppSettings, BorexApi, FileRequest, JobEvent, OpenedItem } from '../shared/api.ts';
import { IPC, MENU_COMMANDS, type IpcReply, type MenuCommand } from '../shared/ipc.ts';
import { pickModelFiles } from '../shared/model-files.ts';

async function invoke<T>(channel: string, arg?: unknown): Promise<T> {
  const reply = (await ipcRenderer.invoke(channel, arg)) as IpcReply<T>;
  if ('error' in reply) throw Object.assign(new Error(reply.error.message), { kind: reply.error.kind });
  return reply.ok;
}

function subscribe<T>(channel: string, listener: (value: T) => void): () => void {
  const wrapped = (_e: unknown, value: T) => listener(value);
  ipcRenderer.on(channel, wrapped);
  return () => void ipcRenderer.off(channel, wrapped);
}

const fileUrl = (r: FileRequest) => `app://studio/api/jobs/${encodeURIComponent(r.jobId)}/files/${encodeURIComponent(r.file)}`;

/** A chosen or dropped model's files as paths (main re-checks them): the .onnx, its spec and labels. */
function modelPaths(files: File[]): { model: string; spec?: string; labels?: string } {
  const picked = pickModelFiles(files, (f) => f.name);
  const pathOf = (f: File | undefined) => (f ? webUtils.getPathForFile(f) : undefined);
  return { model: webUtils.getPathForFile(picked.model), spec: pathOf(picked.spec), labels: pathOf(picked.labels) };
}

export const api: BorexApi & {
  onOpened(listener: (item: OpenedItem) => void): () => void;
  onCommand(listener: (command: MenuCommand) => void): () => void;
  getSettings(): Promise<AppSettings>;
  setSettings(patch: Partial<AppSettings>): Promise<AppSettings>;
} = {
  info: () => invoke(IPC.info),
  openImage: (file) => invoke(IPC.openImagePath, webUtils.getPathForFile(file)),
  openPrior: (file) => invoke(IPC.openPriorPath, webUtils.getPathForFile(file)),
  openModel: async (files) => invoke(IPC.openModelPath, modelPaths(files)),
  openFolder: (folder) => invoke(IPC.openFolderPath, webUtils.getPathForFile(folder)),
  imageUrl: (id) => `app://studio/api/images/${encodeURIComponent(id)}`,
  classify: (r) => invoke(IPC.classify, r),
  explain: (r) => invoke(IPC.explain, r),
  batch: (r) => invoke(IPC.batch, r),
  runs: () => invoke(IPC.runs),
  openRun: (r) => invoke(IPC.openRun, r),
  resumeRun: (r) => invoke(IPC.resumeRun, r),
  cancel: (r) => invoke(IPC.cancel, r),
  exportFile: (r) => invoke(IPC.exportFile, r),
  fileUrl,
  onJobEvent: (listener) => subscribe<JobEvent>(IPC.jobEvent, listener),
  onOpened: (listener) => subscribe<OpenedItem>(IPC.opened, listener),
  onCommand: (listener) => subscribe<MenuCommand>(IPC.command, (c) => (MENU_COMMANDS as readonly string[]).includes(c) && listener(c)),
  getSettings: () => invoke(IPC.getSettings),
  setSettings: (patch) => invoke(IPC.setSettings, patch),
};

contextBridge.exposeInMainWorld('borex', api);
