/**
 * The preload (sandboxed, context-isolated): one function per call of the table
 * (src/shared/calls.ts) over its invoke channel, never raw ipcRenderer. Dropped files reach main as
 * paths (webUtils), where they are re-checked.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { AppSettings, BorexApi, FileRequest, JobEvent, OpenedItem } from '../shared/api.ts';
import { callNames, channelOf, rowOf } from '../shared/calls.ts';
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

/** What each row shape sends over its channel: a request as is, a file's path, a model's paths. */
const calls = Object.fromEntries(
  callNames.map((name) => {
    const row = rowOf(name);
    const channel = channelOf(name);
    if (row.body === 'file') return [name, async (file: File) => invoke(channel, webUtils.getPathForFile(file))];
    if (row.body === 'model-files') return [name, async (files: File[]) => invoke(channel, modelPaths(files))];
    return [name, (request?: unknown) => invoke(channel, request)];
  }),
);

export const api: BorexApi & {
  onOpened(listener: (item: OpenedItem) => void): () => void;
  onCommand(listener: (command: MenuCommand) => void): () => void;
  getSettings(): Promise<AppSettings>;
  setSettings(patch: Partial<AppSettings>): Promise<AppSettings>;
} = {
  ...(calls as unknown as Required<Pick<BorexApi, 'getSettings' | 'setSettings'>> & BorexApi),
  imageUrl: (id) => `app://studio/api/images/${encodeURIComponent(id)}`,
  fileUrl,
  mediaUrl: (id, variant) => `app://studio/api/media/${encodeURIComponent(id)}?variant=${encodeURIComponent(variant)}`,
  onJobEvent: (listener) => subscribe<JobEvent>(IPC.jobEvent, listener),
  onOpened: (listener) => subscribe<OpenedItem>(IPC.opened, listener),
  onCommand: (listener) => subscribe<MenuCommand>(IPC.command, (c) => (MENU_COMMANDS as readonly string[]).includes(c) && listener(c)),
};

contextBridge.exposeInMainWorld('borex', api);
