import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { downloadModel, resolveModel, sha256File } from '../../../src/engine/model/model-store.ts';
import { asset, assetStatus } from '../../helpers/assets.ts';
import { tempDir } from '../../helpers/cli.ts';

const fakeFetch = (body: Uint8Array, status = 200) => (async () => new Response(body, { status })) as unknown as typeof fetch;

describe('downloadModel (network replaced by a stub fetch)', () => {
  it('refuses bytes whose sha256 does not match and writes nothing', async () => {
    const cache = tempDir();
    await expect(downloadModel('mobilenetv2-12-int8', { BOREX_CACHE_DIR: cache }, fakeFetch(new Uint8Array([1, 2, 3])))).rejects.toThrow(/sha256 .* expected 83530ad8/);
    expect(fs.readdirSync(path.join(cache, 'models'))).toEqual([]);
  });

  it('reports HTTP errors', async () => {
    await expect(downloadModel('mobilenetv2-12-int8', { BOREX_CACHE_DIR: tempDir() }, fakeFetch(new Uint8Array(), 404))).rejects.toThrow(/HTTP 404/);
  });

  const { skip } = assetStatus('models/mobilenetv2-12-int8.onnx');
  it.skipIf(skip)('writes the verified model into the user cache, where resolveModel then finds it', async () => {
    const cache = tempDir();
    const env = { BOREX_CACHE_DIR: cache };
    const file = await downloadModel('mobilenetv2-12-int8', env, fakeFetch(fs.readFileSync(asset('models/mobilenetv2-12-int8.onnx'))));
    expect(file).toBe(path.join(cache, 'models', 'mobilenetv2-12-int8.onnx'));
    expect(fs.readdirSync(path.join(cache, 'models'))).toEqual(['mobilenetv2-12-int8.onnx']);
    expect(resolveModel('mobilenetv2-12-int8', {}, env).file).toBe(file);
  });
});

describe('resolveModel', () => {
  it('rejects a catalogue model whose bytes do not match its sha256', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'mobilenetv2-12-int8.onnx'), 'not the model');
    expect(() => resolveModel('mobilenetv2-12-int8', {}, { BOREX_MODEL_DIR: dir, BOREX_CACHE_DIR: dir })).toThrow(/does not match the catalogue's/);
  });

  it('flags override the spec; a sidecar with a bad field is refused', () => {
    const dir = tempDir();
    const model = path.join(dir, 'm.onnx');
    fs.writeFileSync(model, 'x');
    expect(resolveModel(model, { height: 160, width: 160 }).spec).toMatchObject({ height: 160, width: 160, resize: 'shorter-side-crop' });
    fs.writeFileSync(path.join(dir, 'm.borex.json'), JSON.stringify({ layout: 'CHWN' }));
    expect(() => resolveModel(model)).toThrow(/m\.borex\.json: layout must be one of NCHW, NHWC, NCTHW, NTCHW, NTHWC, got CHWN/);
  });
});

describe('sha256File', () => {
  it('hashes a file once, and again when its size, mtime or inode changes', () => {
    const file = path.join(tempDir(), 'm.onnx');
    fs.writeFileSync(file, 'abc');
    fs.utimesSync(file, 1_000, 1_000);
    expect(sha256File(file)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256File(file)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    fs.writeFileSync(file, 'abd'); // same size
    fs.utimesSync(file, 2_000, 2_000);
    expect(sha256File(file)).toBe('a52d159f262b2c6ddb724a61840befc36eb30c88877a4030b65cbe86298449c9');
    // remembered by size, mtime and inode: a rewrite that keeps all three is not read again
    fs.writeFileSync(file, 'xyz');
    fs.utimesSync(file, 2_000, 2_000);
    expect(sha256File(file)).toBe('a52d159f262b2c6ddb724a61840befc36eb30c88877a4030b65cbe86298449c9');
  });
});
