/**
 * Main-process glue (Electron mocked) for what the user opens beyond photos: their own .onnx
 * models, folders for a batch, VOC annotations; and the engine restart on a settings change.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it, vi } from 'vitest';
import type { FromHost, OpenedModel, ToHost } from '../../../src/engine/worker/protocol.ts';
import { bootstrap } from '../../../src/main/app.ts';
import type { AppInfo, ModelListing, OpenedFolder } from '../../../src/shared/api.ts';
import { IPC } from '../../../src/shared/ipc.ts';
import { tempDir } from '../../helpers/cli.ts';
import { fakeElectron, grantOf, senderEvent } from './fake-electron.ts';

type Reply<T> = { ok: T } | { error: { kind: string; message: string } };

/** The engine process as a script: opens any model except one whose name says it is not one. */
function engine(m: ToHost): FromHost | undefined {
  if (m.type !== 'job') return undefined;
  const job = m.job;
  if (job.kind === 'open-model') {
    const file = job.model.file!;
    if (file.includes('not-image')) return { type: 'error', seq: m.seq, kind: 'model', message: `${file}: is not an image classifier: input "x" has shape [1, 10]; a 4-D image batch is needed` };
    const sidecar = file.replace(/\.onnx$/, '.borex.json');
    const value: OpenedModel = { name: path.basename(file, '.onnx'), file, classes: 6, input: { height: 112, width: 112, layout: 'NCHW', resize: 'stretch' }, specSource: fs.existsSync(sidecar) ? sidecar : 'defaults', labelsFile: job.model.labelsFile, warnings: [] };
    return { type: 'result', seq: m.seq, value };
  }
  if (job.kind === 'classify') return { type: 'result', seq: m.seq, value: { model: job.model.key, top5: [{ index: 0, name: 'circle', probability: 0.99 }], numClasses: 6, labels: ['circle', 'square', 'triangle', 'star', 'cross', 'ring'], probabilities: [0.99, 0.002, 0.002, 0.002, 0.002, 0.002] } };
  return undefined; // explain and batch jobs run until the test says otherwise
}

async function started(argv: string[] = ['electron']) {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, 'ui'));
  fs.writeFileSync(path.join(dir, 'ui', 'index.html'), '<!doctype html>');
  const f = fakeElectron({ userData: path.join(dir, 'user'), engine });
  expect(bootstrap(f.electron, { uiDir: path.join(dir, 'ui'), preload: '/app/preload.cjs', engineEntry: '/app/engine.js' }, argv)).toBe(true);
  await new Promise((r) => setTimeout(r, 20));
  const call = <T>(channel: string, arg?: unknown) => f.handlers.get(channel)!(senderEvent(), arg) as Promise<Reply<T>>;
  const grant = (file: string) => grantOf(f.handlers, file);
  /** A file call as the preload makes it: the file's token, granted first. */
  const callFile = async <T>(channel: string, file: string) => call<T>(channel, await grant(file));
  const sent = (channel: string) => f.windows[0].webContents.send.mock.calls.filter((c) => c[0] === channel).map((c) => c[1] as unknown);
  return { ...f, call, sent, grant, callFile };
}

/** A folder with a model (and its sidecar and labels), a photo and a VOC annotation. */
function userFiles() {
  const dir = tempDir();
  const files = {
    dir,
    model: path.join(dir, 'my-shapes.onnx'),
    sidecar: path.join(dir, 'my-shapes.borex.json'),
    labels: path.join(dir, 'names.txt'),
    strayModel: path.join(dir, 'not-image.onnx'),
    spec: path.join(dir, 'elsewhere.borex.json'),
    xml: path.join(dir, 'boxes.xml'),
    notes: path.join(dir, 'notes.md'),
  };
  for (const [key, file] of Object.entries(files)) if (key !== 'dir') fs.writeFileSync(file, key === 'xml' ? '<annotation><object><name>circle</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>9</xmax><ymax>9</ymax></bndbox></object></annotation>' : 'x');
  return files;
}

describe('the user\'s own .onnx model in the app (Electron mocked)', () => {
  it('opens a model by path: re-checked in main, opened by the engine, listed and usable in requests', async () => {
    const f = await started();
    const u = userFiles();
    const opened = await f.call<ModelListing>(IPC.openModelPath, { model: await f.grant(u.model), spec: await f.grant(u.sidecar), labels: await f.grant(u.labels) });
    expect(opened).toMatchObject({ ok: { name: expect.stringMatching(/^user:[A-Za-z0-9_-]+$/), available: true, user: { fileName: 'my-shapes.onnx', classes: 6, labels: fs.realpathSync(u.labels) } } });
    const listing = (opened as { ok: ModelListing }).ok;
    expect(f.children[0].postMessage).toHaveBeenCalledWith({ type: 'job', seq: 1, job: { kind: 'open-model', model: { key: listing.name, file: fs.realpathSync(u.model), labelsFile: fs.realpathSync(u.labels) } } });
    expect(((await f.call<AppInfo>(IPC.info)) as { ok: AppInfo }).ok.models.map((m) => m.name)).toContain(listing.name);
    expect(((await f.call<{ recent: string[] }>(IPC.getSettings)) as { ok: { recent: string[] } }).ok.recent[0]).toBe(fs.realpathSync(u.model));

    // A photo classified with it: the engine gets the model's file, not a name.
    const photo = path.join(u.dir, 'red.png');
    await sharp({ create: { width: 4, height: 3, channels: 3, background: '#f00' } }).png().toFile(photo);
    const image = ((await f.callFile<{ id: string }>(IPC.openImagePath, photo)) as { ok: { id: string } }).ok;
    expect(await f.call(IPC.classify, { imageId: image.id, model: listing.name })).toMatchObject({ ok: { model: listing.name } });
    expect(f.children[0].postMessage).toHaveBeenLastCalledWith(expect.objectContaining({ job: expect.objectContaining({ kind: 'classify', model: expect.objectContaining({ file: fs.realpathSync(u.model) }) }) }));
    // Opening the same files again keeps one entry.
    const again = (await f.call<ModelListing>(IPC.openModelPath, { model: await f.grant(u.model), labels: await f.grant(u.labels) })) as { ok: ModelListing };
    expect(again.ok.name).toBe(listing.name);
  });

  it.each([
    [{ model: 'my-shapes.onnx' }, 'forbidden', /not a file token main gave out/],
    [{ model: 'NOTES' }, 'bad-input', /not an .onnx model/],
    [{ model: '/no/such/model.onnx' }, 'forbidden', /a path from the page is refused/],
    [{ model: 'PATH' }, 'forbidden', /a path from the page is refused/],
    [{ model: 'MODEL', labels: 'NOTES' }, 'bad-input', /not a labels file \(\.txt\)/],
    [{ model: 'MODEL', spec: 'SPEC' }, 'bad-input', /a model's spec is read from beside it as my-shapes\.borex\.json/],
    [{ model: 'MODEL', rogue: 1 }, 'bad-request', /rogue: unknown field/],
    ['MODEL', 'bad-request', /expected an object/],
  ])('refuses model paths %#', async (arg, kind, message) => {
    const f = await started();
    const u = userFiles();
    // MODEL, NOTES, SPEC: tokens of those files (as the preload sends them); PATH: the model's path itself.
    const files: Record<string, string> = { MODEL: u.model, NOTES: u.notes, SPEC: u.spec };
    const resolve = async (v: unknown): Promise<unknown> => (typeof v === 'string' ? (v === 'PATH' ? u.model : files[v] ? await f.grant(files[v]) : v) : v);
    const value = typeof arg === 'string' ? await resolve(arg) : Object.fromEntries(await Promise.all(Object.entries(arg).map(async ([k, v]) => [k, await resolve(v)])));
    expect(await f.call(IPC.openModelPath, value)).toEqual({ error: { kind, message: expect.stringMatching(message) } });
    expect(f.children).toHaveLength(0); // refused before the engine is asked
  });

  it('passes on the engine\'s reason when a file is not an image classifier, and an unknown user model is refused', async () => {
    const f = await started();
    const u = userFiles();
    expect(await f.call(IPC.openModelPath, { model: await f.grant(u.strayModel) })).toEqual({ error: { kind: 'model', message: expect.stringMatching(/not-image\.onnx: is not an image classifier/) } });
    expect(((await f.call<AppInfo>(IPC.info)) as { ok: AppInfo }).ok.models.some((m) => m.user)).toBe(false);
    expect(await f.call(IPC.classify, { imageId: 'x', model: 'user:nothing' })).toMatchObject({ error: { kind: 'not-found' } });
    const photo = path.join(u.dir, 'red.png');
    await sharp({ create: { width: 4, height: 3, channels: 3, background: '#f00' } }).png().toFile(photo);
    const image = ((await f.callFile<{ id: string }>(IPC.openImagePath, photo)) as { ok: { id: string } }).ok;
    expect(await f.call(IPC.classify, { imageId: image.id, model: 'user:nothing' })).toEqual({ error: { kind: 'bad-request', message: expect.stringMatching(/unknown model "user:nothing"/) } });
    expect(await f.call(IPC.classify, { imageId: image.id, model: 'user:../../etc' })).toMatchObject({ error: { kind: 'bad-request', message: expect.stringMatching(/model: expected a string matching/) } });
  });

  it('opens a model given on the command line and tells the page', async () => {
    const u = userFiles();
    const f = await started(['electron', u.model]);
    f.windows[0].webContents.emit('did-finish-load');
    await vi.waitFor(() => expect(f.sent(IPC.opened)).toEqual([{ type: 'model', model: expect.objectContaining({ user: expect.objectContaining({ fileName: 'my-shapes.onnx' }) }) }]));
  });
});

describe('folders and annotations in the app (Electron mocked)', () => {
  async function photoFolder() {
    const dir = tempDir();
    for (const name of ['b.png', 'a.png']) await sharp({ create: { width: 4, height: 3, channels: 3, background: '#0f0' } }).png().toFile(path.join(dir, name));
    fs.writeFileSync(path.join(dir, 'readme.txt'), 'not a photo');
    return dir;
  }

  it('sends a folder from the command line to the batch view, and batches over the folder itself', async () => {
    const dir = await photoFolder();
    const f = await started(['electron', dir]);
    f.windows[0].webContents.emit('did-finish-load');
    await vi.waitFor(() => expect(f.sent(IPC.opened)).toHaveLength(1));
    const item = f.sent(IPC.opened)[0] as { type: 'folder'; folder: OpenedFolder };
    expect(item).toEqual({ type: 'folder', folder: { id: expect.any(String), name: path.basename(dir), kind: 'folder', images: ['a.png', 'b.png'] } });
    const started_ = await f.call<{ jobId: string }>(IPC.batch, { folderId: item.folder.id, model: 'shapes-v1', methods: ['rise'], preset: 'paper' });
    expect(started_).toMatchObject({ ok: { jobId: expect.any(String) } });
    expect(f.children[0].postMessage).toHaveBeenCalledWith(expect.objectContaining({ job: expect.objectContaining({ kind: 'batch', inputDir: fs.realpathSync(dir) }) }));
    expect(await f.call(IPC.batch, { folderId: item.folder.id, imageIds: ['x'], model: 'shapes-v1', methods: ['rise'], preset: 'paper' })).toMatchObject({ error: { message: expect.stringMatching(/or a folderId \(one of them\)/) } });
    expect(await f.call(IPC.batch, { folderId: 'unknown', model: 'shapes-v1', methods: ['rise'], preset: 'paper' })).toMatchObject({ error: { kind: 'not-found' } });
  });

  it('opens a dropped folder through its own call, refusing non-folders and folders without photos', async () => {
    const f = await started();
    const dir = await photoFolder();
    expect(await f.callFile(IPC.openFolderPath, dir)).toMatchObject({ ok: { kind: 'folder', images: ['a.png', 'b.png'] } });
    expect(await f.callFile(IPC.openFolderPath, path.join(dir, 'a.png'))).toMatchObject({ error: { message: expect.stringMatching(/not a folder/) } });
    expect(await f.callFile(IPC.openFolderPath, tempDir())).toMatchObject({ error: { kind: 'bad-input', message: expect.stringMatching(/no image files/) } });
  });

  it('File ▸ Open Folder for Batch asks with a dialog in main', async () => {
    const dir = await photoFolder();
    const f = await started();
    f.raw.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [dir] });
    const menu = f.raw.Menu.setApplicationMenu.mock.calls[0][0] as { submenu: { label?: string; click?: () => void }[] }[];
    menu[0].submenu.find((i) => i.label === 'Open Folder for Batch…')!.click!();
    await vi.waitFor(() => expect(f.sent(IPC.opened)).toEqual([{ type: 'folder', folder: expect.objectContaining({ images: ['a.png', 'b.png'] }) }]));
    expect(f.raw.dialog.showOpenDialog).toHaveBeenCalledWith(f.windows[0], expect.objectContaining({ properties: ['openDirectory'] }));
  });

  it('sends a VOC annotation to the explain view and refuses what it cannot open, with the reason', async () => {
    const u = userFiles();
    const f = await started(['electron', u.xml, u.notes]);
    f.windows[0].webContents.emit('did-finish-load');
    await vi.waitFor(() => expect(f.sent(IPC.opened)).toEqual([{ type: 'annotation', name: 'boxes.xml', xml: expect.stringContaining('<bndbox>') }]));
    await vi.waitFor(() => expect(f.raw.dialog.showMessageBox).toHaveBeenCalledWith({ type: 'error', message: 'Cannot open notes.md', detail: expect.stringMatching(/not something BOREx Studio opens/) }));
  });
});

describe('settings apply without a restart of the app (Electron mocked)', () => {
  it('restarts the engine process at once when it is idle, with the new settings', async () => {
    const f = await started();
    const u = userFiles();
    await f.call(IPC.openModelPath, { model: await f.grant(u.model) });
    expect(f.children).toHaveLength(1);
    expect(f.children[0].env?.BOREX_THREADS).toBe('');
    await f.call(IPC.setSettings, { defaultPreset: 'paper' }); // not an engine setting
    expect(f.children[0].kill).not.toHaveBeenCalled();
    await f.call(IPC.setSettings, { threads: 3 });
    expect(f.children[0].kill).toHaveBeenCalled();
    f.children[0].emit('exit', 0); // the killed process's exit is not a crash
    const photo = path.join(u.dir, 'red.png');
    await sharp({ create: { width: 4, height: 3, channels: 3, background: '#f00' } }).png().toFile(photo);
    const image = ((await f.callFile<{ id: string }>(IPC.openImagePath, photo)) as { ok: { id: string } }).ok;
    expect(await f.call(IPC.classify, { imageId: image.id, model: 'shapes-v1' })).toMatchObject({ ok: { model: 'shapes-v1' } });
    expect(f.children).toHaveLength(2);
    expect(f.children[1].env).toMatchObject({ BOREX_THREADS: '3', BOREX_PROVIDER: 'cpu' });
  });

  it('lets a running job finish first, then restarts before the next job', async () => {
    const f = await started();
    const photo = path.join(tempDir(), 'red.png');
    await sharp({ create: { width: 4, height: 3, channels: 3, background: '#f00' } }).png().toFile(photo);
    const image = ((await f.callFile<{ id: string }>(IPC.openImagePath, photo)) as { ok: { id: string } }).ok;
    const { jobId } = ((await f.call<{ jobId: string }>(IPC.explain, { imageId: image.id, model: 'shapes-v1', method: 'rise', prior: 'none', preset: 'paper' })) as { ok: { jobId: string } }).ok;
    const modelDir = tempDir();
    await f.call(IPC.setSettings, { modelDir });
    expect(f.children[0].kill).not.toHaveBeenCalled(); // the job goes on
    const seq = (f.children[0].postMessage.mock.calls[0][0] as { seq: number }).seq;
    f.children[0].emit('message', { type: 'result', seq, value: { result: {}, map: new Float32Array(1), geometry: {}, files: [] } });
    await vi.waitFor(() => expect(f.sent(IPC.jobEvent)).toContainEqual(expect.objectContaining({ type: 'done', jobId })));
    expect(f.children[0].kill).toHaveBeenCalled();
    expect(await f.call(IPC.classify, { imageId: image.id, model: 'shapes-v1' })).toMatchObject({ ok: {} });
    expect(f.children).toHaveLength(2);
    expect(f.children[1].env?.BOREX_MODEL_DIR).toBe(fs.realpathSync(modelDir));
  });
});
