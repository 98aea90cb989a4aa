import { describe, expect, it, vi } from 'vitest';
import { IPC } from '../../../src/shared/ipc.ts';

const electron = vi.hoisted(() => {
  const listeners = new Map<string, (e: unknown, v: unknown) => void>();
  return {
    listeners,
    contextBridge: { exposeInMainWorld: vi.fn() },
    ipcRenderer: {
      // main as a script: the grant channel answers a token naming the path it was given.
      invoke: vi.fn(async (channel: string, arg: unknown) =>
        channel === 'borex:classify' ? { error: { kind: 'bad-request', message: 'model: expected a string' } } : channel === 'borex:grant-file' ? { ok: `token-of:${String(arg)}` } : { ok: { channel, arg } },
      ),
      on: vi.fn((c: string, l: (e: unknown, v: unknown) => void) => listeners.set(c, l)),
      off: vi.fn(),
    },
    // A File the page made itself (new File) has no path: webUtils answers ''.
    webUtils: { getPathForFile: vi.fn((f: { name?: string; made?: boolean }) => (f.made ? '' : f.name ? `/home/me/${f.name}` : '/home/me/dog.jpg')) },
    app: { requestSingleInstanceLock: vi.fn(() => false), quit: vi.fn() },
    protocol: { registerSchemesAsPrivileged: vi.fn() },
  };
});
vi.mock('electron', () => electron);

describe('preload (Electron mocked)', () => {
  it('exposes one function per call on window.borex, never ipcRenderer itself', async () => {
    const { api } = await import('../../../src/preload/index.ts');
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledWith('borex', api);
    expect(Object.values(api).every((v) => typeof v === 'function')).toBe(true);
    expect(await api.info()).toEqual({ channel: IPC.info, arg: undefined });
    // A dropped File's path goes to main's grant channel only; the file call carries the token main answered.
    expect(await api.openImage({} as File)).toEqual({ channel: IPC.openImagePath, arg: 'token-of:/home/me/dog.jpg' });
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith(IPC.grantFile, '/home/me/dog.jpg');
    await expect(api.openImage({ name: 'made.png', made: true } as unknown as File)).rejects.toThrow('made.png: not a file from this computer (drop it or choose it)');
    await expect(api.classify({ imageId: 'a', model: 'm' })).rejects.toThrow('model: expected a string');
    expect(api.imageUrl('abc')).toBe('app://studio/api/images/abc');
    expect(await api.resumeRun({ runId: 'r1' })).toEqual({ channel: IPC.resumeRun, arg: { runId: 'r1' } });
  });

  it('sends a chosen model\'s files to main as tokens, sorted into model, spec and labels', async () => {
    const { api } = await import('../../../src/preload/index.ts');
    const files = [{ name: 'names.txt' }, { name: 'm.onnx' }, { name: 'm.borex.json' }] as File[];
    expect(await api.openModel(files)).toEqual({ channel: IPC.openModelPath, arg: { model: 'token-of:/home/me/m.onnx', spec: 'token-of:/home/me/m.borex.json', labels: 'token-of:/home/me/names.txt' } });
    await expect(api.openModel([{ name: 'names.txt' }] as File[])).rejects.toThrow(/choose an .onnx model/);
    await expect(api.openModel([{ name: 'a.onnx' }, { name: 'b.onnx' }] as File[])).rejects.toThrow(/one .onnx model at a time/);
    expect(await api.openFolder!({ name: 'photos' } as File)).toEqual({ channel: IPC.openFolderPath, arg: 'token-of:/home/me/photos' });
  });

  it('passes only known menu commands to the page', async () => {
    const { api } = await import('../../../src/preload/index.ts');
    const seen: string[] = [];
    api.onCommand((c) => seen.push(c));
    const deliver = electron.listeners.get(IPC.command)!;
    deliver({}, 'run');
    deliver({}, 'rm -rf');
    expect(seen).toEqual(['run']);
  });
});

describe('main entry (Electron mocked)', () => {
  it('asks for the single-instance lock and quits without it', async () => {
    await import('../../../src/main/index.ts');
    expect(electron.app.requestSingleInstanceLock).toHaveBeenCalled();
    expect(electron.app.quit).toHaveBeenCalled();
  });
});
