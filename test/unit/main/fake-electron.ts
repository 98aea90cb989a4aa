import { EventEmitter } from 'node:events';
import os from 'node:os';
import { vi } from 'vitest';
import type { FromHost, ToHost } from '../../../src/engine/worker/protocol.ts';
import type { ElectronApi } from '../../../src/main/app.ts';

/**
 * A stand-in for the parts of Electron the main process uses; records what it was asked to do.
 * `engine` plays the engine's utilityProcess: given a message from main, what it answers (if anything).
 */
export function fakeElectron(options: { lock?: boolean; userData: string; engine?: (m: ToHost) => FromHost | undefined; packaged?: boolean }) {
  const app = Object.assign(new EventEmitter(), {
    isPackaged: options.packaged ?? true,
    requestSingleInstanceLock: vi.fn(() => options.lock ?? true),
    quit: vi.fn(),
    whenReady: vi.fn(() => Promise.resolve()),
    getPath: vi.fn((name: string) => (name === 'userData' ? options.userData : os.tmpdir())),
  });
  const windows: FakeWindow[] = [];
  class FakeWindow extends EventEmitter {
    readonly webContents = Object.assign(new EventEmitter(), {
      send: vi.fn(),
      setWindowOpenHandler: vi.fn(),
      session: { setPermissionRequestHandler: vi.fn() },
    });
    loadURL = vi.fn(async () => {});
    show = vi.fn();
    focus = vi.fn();
    restore = vi.fn();
    isMinimized = () => false;
    constructor(readonly options: Record<string, unknown>) {
      super();
      windows.push(this);
    }
  }
  const children: (EventEmitter & { env?: NodeJS.ProcessEnv; postMessage: ReturnType<typeof vi.fn>; kill: ReturnType<typeof vi.fn> })[] = [];
  const handlers = new Map<string, (event: unknown, arg: unknown) => Promise<unknown>>();
  const electron = {
    app,
    BrowserWindow: FakeWindow,
    Menu: { buildFromTemplate: vi.fn((t: unknown) => t), setApplicationMenu: vi.fn() },
    dialog: { showSaveDialog: vi.fn(), showOpenDialog: vi.fn(async () => ({ canceled: true, filePaths: [] as string[] })), showMessageBox: vi.fn(async () => ({ response: 0 })) },
    ipcMain: { handle: vi.fn((channel: string, fn: (event: unknown, arg: unknown) => Promise<unknown>) => handlers.set(channel, fn)) },
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    utilityProcess: {
      fork: vi.fn((_entry: string, _args: string[], forkOptions: { env?: NodeJS.ProcessEnv }) => {
        const child = Object.assign(new EventEmitter(), {
          env: forkOptions.env,
          postMessage: vi.fn((m: ToHost) => {
            const answer = options.engine?.(m);
            if (answer) setImmediate(() => child.emit('message', answer));
          }),
          kill: vi.fn(),
        });
        children.push(child);
        return child;
      }),
    },
  };
  return { electron: electron as unknown as ElectronApi, app, windows, children, handlers, raw: electron };
}

/** A file token from main's grant channel, as the preload gets one for a dropped or chosen file. */
export async function grantOf(handlers: Map<string, (event: unknown, arg: unknown) => Promise<unknown>>, file: string): Promise<string> {
  const reply = (await handlers.get('borex:grant-file')!(senderEvent(), file)) as { ok?: string; error?: { message: string } };
  if (reply.ok === undefined) throw new Error(`grant refused: ${reply.error?.message}`);
  return reply.ok;
}

/** An IPC event as Electron gives it, from our page or from somewhere else. */
export const senderEvent = (url = 'app://studio/index.html', parent: unknown = null) => ({ senderFrame: { url, parent } });
