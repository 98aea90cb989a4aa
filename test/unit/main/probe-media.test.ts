/** probeMedia over IPC (mocked Electron): a photo by path is described; a file that is not a video is refused naming it; foreign senders are refused. */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { bootstrap } from '../../../src/main/app.ts';
import { IPC } from '../../../src/shared/ipc.ts';
import { tempDir } from '../../helpers/cli.ts';
import { fakeElectron, grantOf, senderEvent } from './fake-electron.ts';

describe('probeMedia over IPC', () => {
  it('describes a photo, refuses a broken video naming it, and checks its path and sender', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'ui'));
    fs.writeFileSync(path.join(dir, 'ui', 'index.html'), '<!doctype html>');
    const f = fakeElectron({ userData: path.join(dir, 'user'), engine: () => undefined });
    expect(bootstrap(f.electron, { uiDir: path.join(dir, 'ui'), preload: '/app/preload.cjs', engineEntry: '/app/engine.js' }, ['electron'])).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    const raw = (arg: unknown, event = senderEvent()) => f.handlers.get(IPC.probeMediaPath)!(event, arg);
    // As the preload calls it: the file's token (src/main/grants.ts), never its path.
    const call = async (file: string, event = senderEvent()) => raw(await grantOf(f.handlers, file), event);

    const photo = path.join(dir, 'red.jpg');
    await sharp({ create: { width: 5, height: 4, channels: 3, background: '#f00' } }).jpeg().toFile(photo);
    expect(await call(photo)).toEqual({ ok: { kind: 'image', name: 'red.jpg', format: 'jpeg', width: 5, height: 4, mime: 'image/jpeg' } });

    const clip = path.join(dir, 'holiday.mov');
    fs.writeFileSync(clip, 'not really a video');
    expect(await call(clip)).toEqual({ error: { kind: 'bad-input', message: `${clip}: is not a video ffmpeg can read (${clip}: Invalid data found when processing input)` } });

    fs.writeFileSync(path.join(dir, 'notes.txt'), 'x');
    expect(await call(path.join(dir, 'notes.txt'))).toMatchObject({ error: { kind: 'bad-input' } });
    expect(await raw(photo)).toMatchObject({ error: { kind: 'forbidden', message: expect.stringMatching(/a path from the page is refused/) } });
    expect(await raw('relative.png')).toMatchObject({ error: { kind: 'forbidden' } });
    expect(await call(photo, senderEvent('https://evil.example/'))).toMatchObject({ error: { kind: 'forbidden' } });
  });
});
