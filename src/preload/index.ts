/**
 * The preload (sandboxed, context-isolated): one function per call of the table
 * (src/shared/calls.ts) over its invoke channel, never raw ipcRenderer. A dropped or chosen File
 * reaches main as its path (webUtils) on the grant channel only; main answers a token, and the file
 * call carries that token (src/main/grants.ts): no function here sends a path string from the page.
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

/**
 * The token main grants for a File the user dropped or chose. webUtils gives a path only for a
 * File from a drop or the file chooser; one the page made (new File(...)) has none and is refused.
 */
async function grant(file: File): Promise<string> {
  const p = webUtils.getPathForFile(file);
  if (!p) throw Object.assign(new Error(`${file.name || 'this file'}: not a file from this computer (drop it or choose it)`), { kind: 'bad-request' });
  return invoke<string>(IPC.grantFile, p);
}

/** A chosen or dropped model's files as tokens (main re-checks their paths): the .onnx, its spec and labels. */
async function modelTokens(files: File[]): Promise<{ model: string; spec?: string; labels?: string }> {
  const picked = pickModelFiles(files, (f) => f.name);
  const tokenOf = async (f: File | undefined) => (f ? grant(f) : undefined);
  return { model: await grant(picked.model), spec: await tokenOf(picked.spec), labels: await tokenOf(picked.labels) };
}

/** What each row shape sends over its channel: a request as is, a file's token, a model's tokens. */
const calls = Object.fromEntries(
  callNames.map((name) => {
    const row = rowOf(name);
    const channel = channelOf(name);
    if (row.body === 'file') return [name, async (file: File) => invoke(channel, await grant(file))];
    if (row.body === 'model-files') return [name, async (files: File[]) => invoke(channel, await modelTokens(files))];
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
