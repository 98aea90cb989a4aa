import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it, vi } from 'vitest';
import { bootstrap } from '../../../src/main/app.ts';
import { IPC } from '../../../src/shared/ipc.ts';
import { asset, assetStatus } from '../../helpers/assets.ts';
import { tempDir } from '../../helpers/cli.ts';

const DEMO_CLIP = 'video/mmaction2/demo.mp4';
import { fakeElectron, grantOf, senderEvent } from './fake-electron.ts';

const files = (dir: string) => ({ uiDir: path.join(dir, 'ui'), preload: '/app/preload.cjs', engineEntry: '/app/engine.js' });
const settle = () => new Promise((r) => setTimeout(r, 20));

async function started(argv: string[] = ['electron']) {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, 'ui'));
  fs.writeFileSync(path.join(dir, 'ui', 'index.html'), '<!doctype html>');
  const f = fakeElectron({ userData: path.join(dir, 'user') });
  expect(bootstrap(f.electron, files(dir), argv)).toBe(true);
  await settle();
  return { ...f, dir };
}

describe('main process (Electron mocked)', () => {
  it('quits at once when another instance holds the lock', () => {
    const f = fakeElectron({ lock: false, userData: tempDir() });
    expect(bootstrap(f.electron, files(tempDir()))).toBe(false);
    expect(f.app.quit).toHaveBeenCalled();
    expect(f.windows).toHaveLength(0);
  });

  it('opens one secure window on the app protocol, with a menu', async () => {
    const f = await started();
    expect(f.raw.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);
    expect(f.raw.protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
    expect(f.windows).toHaveLength(1);
    const w = f.windows[0];
    expect(w.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, preload: '/app/preload.cjs' });
    expect(w.loadURL).toHaveBeenCalledWith('app://studio/index.html');
    expect(w.webContents.setWindowOpenHandler).toHaveBeenCalled();
    expect(w.options.webPreferences).toMatchObject({ devTools: false }); // a packaged build
    expect(f.app.listenerCount('web-contents-created')).toBe(1); // every web contents is hardened
    const menu = f.raw.Menu.setApplicationMenu.mock.calls[0][0] as { label: string; submenu: { label?: string; accelerator?: string }[] }[];
    expect(menu.map((m) => m.label)).toEqual(['File', 'Run', 'View', 'Help']);
    expect(menu[0].submenu[0]).toMatchObject({ label: 'Open…', accelerator: 'CmdOrCtrl+O' });
    expect(menu[0].submenu[1]).toMatchObject({ label: 'Open Folder for Batch…', accelerator: 'CmdOrCtrl+Shift+O' });
  });

  it('allows DevTools in development (an unpacked app) only', async () => {
    const dir = tempDir();
    const f = fakeElectron({ userData: path.join(dir, 'user'), packaged: false });
    bootstrap(f.electron, files(dir), ['electron']);
    await settle();
    expect(f.windows[0].options.webPreferences).toMatchObject({ devTools: true });
  });

  it('serves the UI with its CSP and nothing outside it', async () => {
    const f = await started();
    const handler = f.raw.protocol.handle.mock.calls[0][1] as (r: Request) => Response;
    const page = handler(new Request('app://studio/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(handler(new Request('app://studio/..%2F..%2Fetc%2Fpasswd')).status).toBe(404);
    expect(handler(new Request('app://studio/api/images/nope')).status).toBe(404);
    expect(handler(new Request('app://other/index.html')).status).toBe(404);
  });

  it('answers IPC only from its own page, validates arguments and re-checks paths', async () => {
    const f = await started();
    const call = (channel: string, arg?: unknown, event = senderEvent()) => f.handlers.get(channel)!(event, arg);
    expect(await call(IPC.info, undefined, senderEvent('https://evil.example/'))).toEqual({ error: { kind: 'forbidden', message: 'IPC from an unknown page refused' } });
    expect(await call(IPC.info)).toMatchObject({ ok: { transport: 'ipc' } });
    expect(await call(IPC.explain, { imageId: 'x', model: 'm', method: 'eval' })).toMatchObject({ error: { kind: 'bad-request' } });
    expect(await call(IPC.resumeRun, { runId: '../../etc' })).toEqual({ error: { kind: 'bad-request', message: expect.stringMatching(/^runId: expected a string matching/) } });
    expect(await call(IPC.resumeRun, { runId: 'none-such' })).toEqual({ error: { kind: 'not-found', message: expect.stringMatching(/^no run none-such in .*runs$/) } });
    // File calls take a token main granted, never a path (grants.ts); the grant re-checks nothing but existence, the call re-checks the kind.
    expect(await call(IPC.openImagePath, '/etc/passwd')).toEqual({ error: { kind: 'forbidden', message: 'a path from the page is refused: a file reaches main as a token, minted when the user chooses or drops it' } });
    expect(await call(IPC.grantFile, 'relative.jpg')).toMatchObject({ error: { message: expect.stringMatching(/not an absolute path/) } });
    expect(await call(IPC.openImagePath, await grantOf(f.handlers, '/etc/passwd'))).toMatchObject({ error: { message: expect.stringMatching(/not an image/) } });
    expect(await call(IPC.setSettings, { recent: ['/x'] })).toMatchObject({ error: { message: expect.stringMatching(/set by the app only/) } });
    expect(await call(IPC.setSettings, { modelDir: '/no/such/dir' })).toMatchObject({ error: { kind: 'bad-input' } });
    expect(await call(IPC.setSettings, { threads: 3 })).toMatchObject({ ok: { threads: 3 } });
  });

  it('opens a photo given on the command line (open-with) and lists it as recent', async () => {
    const dir = tempDir();
    const photo = path.join(dir, 'red.png');
    await sharp({ create: { width: 4, height: 3, channels: 3, background: '#f00' } }).png().toFile(photo);
    const f = await started(['electron', photo]);
    f.windows[0].webContents.emit('did-finish-load');
    await vi.waitFor(() => expect(f.windows[0].webContents.send).toHaveBeenCalledWith(IPC.opened, { type: 'image', image: expect.objectContaining({ name: 'red.png', width: 4, height: 3 }) }));
    expect((await f.handlers.get(IPC.getSettings)!(senderEvent(), undefined)) as { ok: { recent: string[] } }).toMatchObject({ ok: { recent: [fs.realpathSync(photo)] } });
  });

  it.skipIf(assetStatus(DEMO_CLIP).skip)('opens a video given on the command line (open-with) for the Video view, with its probe and frame times', async () => {
    const f = await started(['electron', asset(DEMO_CLIP)]);
    f.windows[0].webContents.emit('did-finish-load');
    await vi.waitFor(() => expect(f.windows[0].webContents.send).toHaveBeenCalledWith(IPC.opened, { type: 'video', video: expect.objectContaining({ kind: 'video', name: 'demo.mp4', frameCount: 280 }) }), { timeout: 20_000 });
    const sent = vi.mocked(f.windows[0].webContents.send).mock.calls.find((c) => c[0] === IPC.opened)![1] as { video: { pts: number[]; id: string } };
    expect(sent.video.pts).toHaveLength(280);
    expect(sent.video.id).toMatch(/\S/);
  });

  it('reports a job whose engine process crashed as failed and starts a new process for the next', async () => {
    const dir = tempDir();
    const photo = path.join(dir, 'red.png');
    await sharp({ create: { width: 4, height: 3, channels: 3, background: '#f00' } }).png().toFile(photo);
    const f = await started();
    const call = (channel: string, arg?: unknown) => f.handlers.get(channel)!(senderEvent(), arg) as Promise<{ ok: { id: string; jobId: string } }>;
    const image = (await call(IPC.openImagePath, await grantOf(f.handlers, photo))).ok;
    const { jobId } = (await call(IPC.explain, { imageId: image.id, model: 'mobilenetv2-12-int8', method: 'rise', prior: 'none', preset: 'paper' })).ok;
    expect(f.children).toHaveLength(1);
    expect(f.children[0].postMessage).toHaveBeenCalledWith(expect.objectContaining({ type: 'job', job: expect.objectContaining({ kind: 'explain' }) }));
    f.children[0].emit('exit', 139); // e.g. a native crash in onnxruntime
    await vi.waitFor(() =>
      expect(f.windows[0].webContents.send).toHaveBeenCalledWith(IPC.jobEvent, { type: 'failed', jobId, kind: 'runtime', message: expect.stringMatching(/engine process stopped unexpectedly \(exit code 139\).*restarted/) }),
    );
    void call(IPC.classify, { imageId: image.id, model: 'mobilenetv2-12-int8' });
    await vi.waitFor(() => expect(f.children).toHaveLength(2));
    expect(f.children[1].postMessage).toHaveBeenCalledWith(expect.objectContaining({ type: 'job', job: expect.objectContaining({ kind: 'classify' }) }));
  });

  it('forwards a second launch to the first window', async () => {
    const f = await started();
    f.app.emit('second-instance', {}, ['electron', '--flag']);
    expect(f.windows[0].focus).toHaveBeenCalled();
  });
});
