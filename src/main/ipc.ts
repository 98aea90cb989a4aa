import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import type { ApiBackend } from '../app/backend.ts';
import type { JobEvent } from '../shared/api.ts';
import { callNames, channelOf, rowOf, type CallName } from '../shared/calls.ts';
import { ApiError, toErrorBody } from '../shared/errors.ts';
import { IPC, type IpcReply } from '../shared/ipc.ts';
import { DesktopCalls, type DesktopDeps } from './desktop-calls.ts';
import { PathGrants } from './grants.ts';
import { isTrustedSender } from './security.ts';

export type IpcDeps = Omit<DesktopDeps, 'grants'> & { grants?: PathGrants };

type Method = (arg: unknown) => unknown;
// Every call of the table has an implementation here: the desktop's own, or the backend's.
const complete: [Exclude<CallName, keyof ApiBackend | keyof DesktopCalls>] extends [never] ? true : false = true;
void complete;

/**
 * One invoke handler per row of the call table (src/shared/calls.ts). Each refuses senders other
 * than our own page, validates its argument (the row's schema; a file row's token redeemed here
 * for the path main granted, re-checked as its kind: grants.ts) and answers { ok } or { error }.
 * One more channel, IPC.grantFile, mints those tokens for the preload.
 */
export function registerIpc(ipcMain: Pick<IpcMain, 'handle'>, deps: IpcDeps): () => void {
  const { backend } = deps;
  const grants = deps.grants ?? new PathGrants();
  const desktop = new DesktopCalls({ ...deps, grants });
  const handle = (channel: string, fn: (arg: unknown) => unknown) =>
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, arg: unknown): Promise<IpcReply<unknown>> => {
      try {
        if (!isTrustedSender(event)) throw new ApiError('forbidden', 'IPC from an unknown page refused');
        return { ok: await fn(arg) };
      } catch (err) {
        return toErrorBody(err);
      }
    });

  for (const name of callNames) {
    const owner = name in desktop ? desktop : backend;
    const method = (owner[name as keyof typeof owner] as Method).bind(owner);
    const row = rowOf(name);
    if (row.body === 'json') handle(channelOf(name), (arg) => method(row.request(arg, '')));
    else if (row.body === 'file') handle(channelOf(name), (arg) => method({ path: grants.resolve(arg, row.path) }));
    else handle(channelOf(name), method); // openModel, exportFile: they check their own argument
  }

  handle(IPC.grantFile, (arg) => grants.mint(arg));

  const forward = (e: JobEvent) => deps.window()?.webContents.send(IPC.jobEvent, e);
  backend.events.on('job', forward);
  return () => backend.events.off('job', forward);
}
