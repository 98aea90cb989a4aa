import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkUserPath, classifyPath } from '../../../src/main/paths.ts';
import { SettingsStore } from '../../../src/main/settings.ts';
import { tempDir } from '../../helpers/cli.ts';

describe('paths from the renderer are re-checked in main', () => {
  const dir = tempDir();
  const photo = path.join(dir, 'a.jpg');
  fs.writeFileSync(photo, 'x');
  fs.writeFileSync(path.join(dir, 'm.onnx'), 'x');
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'x');
  fs.writeFileSync(path.join(dir, 'clip.mp4'), 'x');
  fs.symlinkSync(photo, path.join(dir, 'link.png'));

  it('accepts existing files of the right kind, resolving links', () => {
    expect(checkUserPath(photo, 'image')).toBe(fs.realpathSync(photo));
    expect(checkUserPath(path.join(dir, 'm.onnx'), 'model')).toMatch(/m\.onnx$/);
    expect(checkUserPath(dir, 'folder')).toBe(fs.realpathSync(dir));
  });

  it.each([
    [42, 'image', /not a path/],
    ['a.jpg', 'image', /not an absolute path/],
    ['/no/such/file.jpg', 'image', /no such file/],
    ['NOTES', 'image', /not an image/],
    ['DIR', 'image', /not a file/],
    ['PHOTO', 'folder', /not a folder/],
    ['PHOTO', 'model', /not an .onnx model/],
    ['/etc/passwd\0.jpg', 'image', /not a path/],
  ] as const)('refuses %s as %s', (value, kind, message) => {
    const v = value === 'NOTES' ? path.join(dir, 'notes.txt') : value === 'DIR' ? dir : value === 'PHOTO' ? photo : value;
    expect(() => checkUserPath(v, kind)).toThrow(message);
  });

  it('tells what a dropped path is', () => {
    expect(classifyPath(path.join(dir, 'link.png'))).toBe('image');
    expect(classifyPath(path.join(dir, 'm.onnx'))).toBe('model');
    expect(classifyPath(path.join(dir, 'clip.mp4'))).toBe('video');
    expect(classifyPath(dir)).toBe('folder');
    expect(classifyPath(path.join(dir, 'notes.txt'))).toBeUndefined();
  });
});

describe('settings', () => {
  it('persist, validate, and keep a short recent list', () => {
    const file = path.join(tempDir(), 'settings.json');
    const s = new SettingsStore(file);
    expect(s.get()).toMatchObject({ executionProvider: 'cpu', defaultMethod: 'borex', defaultPreset: 'default', recent: [] });
    s.update({ threads: 2, executionProvider: 'cuda', modelDir: '/models' });
    expect(() => s.update({ threads: 0 })).toThrow(/threads: expected an integer ≥ 1/);
    expect(() => s.update({ executionProvider: 'tpu' })).toThrow(/executionProvider/);
    expect(() => s.update({ telemetry: true })).toThrow(/telemetry: unknown field/);
    for (let i = 0; i < 12; i++) s.addRecent(`/p/${i % 11}.jpg`);
    const reread = new SettingsStore(file).get();
    expect(reread).toMatchObject({ threads: 2, executionProvider: 'cuda', modelDir: '/models' });
    expect(reread.recent).toHaveLength(10);
    expect(reread.recent[0]).toBe('/p/0.jpg');
  });

  it('a damaged file gives the defaults and is kept aside', () => {
    const file = path.join(tempDir(), 'settings.json');
    fs.writeFileSync(file, '{"threads": "many"');
    expect(new SettingsStore(file).get().recent).toEqual([]);
    expect(fs.existsSync(`${file}.bad`)).toBe(true);
  });
});
