/**
 * One item of a run read back for the Explain view (src/app/run-item.ts), over a run directory
 * written in the run format by hand: run.json, items.jsonl and maps as the batch writes them.
 * The run's photo is a real sample scene (224×224).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseNpy } from 'npyjs';
import sharp from 'sharp';
import { runGeometry, runItemMethods, runItemRecord, runPhotoFile, runSettings, runThumbnails, writeRunItemFiles } from '../../../src/app/run-item.ts';
import { decodeImage } from '../../../src/engine/image/decode.ts';
import { RESOURCES_DIR } from '../../../src/engine/model/catalogue.ts';
import { readRunManifest } from '../../../src/engine/jobs/run-store.ts';
import { encodeNpy } from '../../../src/engine/render/npy.ts';
import { tempDir } from '../../helpers/cli.ts';

const SAMPLES = path.join(RESOURCES_DIR, 'samples');

function makeRun(maps: 'npy' | 'none', model = { name: 'shapes-v1', input: { height: 112, width: 112, resize: 'stretch' } }): { dir: string; map: Float32Array; prior: Float32Array } {
  const dir = tempDir('borex-run-item-');
  const n = model.input.height * model.input.width;
  const map = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 0.5);
  const prior = Float32Array.from({ length: n }, (_, i) => (i % 7) / 7);
  const spec = { input: { kind: 'folder', path: SAMPLES, root: SAMPLES, entries: 2, entriesSha256: 'x' }, model: { ...model, path: '/x', sha256: 'abc' }, methods: [{ id: 'rise' }, { id: 'borex:rise' }], maps };
  fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify({ format: 'borex-run', version: 1, kind: 'batch', spec, shard: null, created: '2026-01-01T00:00:00Z', versions: {} }));
  const methods = (m: string) => ({ status: 'ok', signed: m !== 'rise', metrics: { insertion: m === 'rise' ? 0.5 : 0.75, deletion: 0.25 }, curves: { insertion: [0, 1], deletion: [1, 0] }, ...(maps === 'npy' ? { map: `maps/000000-shapes-04-star/${m.replace(':', '_')}.npy` } : {}) });
  const line = { entry: 0, part: 0, parts: 1, key: 'shapes-04-star.png', image: 'shapes-04-star.png', status: 'ok', label: { index: 3, name: 'star', probability: 0.9, choice: 'top1' }, methods: { rise: methods('rise'), 'borex:rise': methods('borex:rise') } };
  const failed = { entry: 1, part: 0, parts: 1, key: 'gone.png', image: 'gone.png', status: 'failed', error: { kind: 'bad-input', message: 'no such file' } };
  fs.writeFileSync(path.join(dir, 'items.jsonl'), `${JSON.stringify(line)}\n${JSON.stringify(failed)}\n`);
  if (maps === 'npy') {
    fs.mkdirSync(path.join(dir, 'maps/000000-shapes-04-star'), { recursive: true });
    fs.writeFileSync(path.join(dir, line.methods.rise.map!), encodeNpy(prior, [112, 112]));
    fs.writeFileSync(path.join(dir, line.methods['borex:rise'].map!), encodeNpy(map, [112, 112]));
  }
  return { dir, map, prior };
}

describe('a run item read back for the Explain view', () => {
  it('gives each method its .npy map, a refinement its prior method\'s map, and items.jsonl\'s metrics', () => {
    const { dir, map, prior } = makeRun('npy');
    const m = readRunManifest(dir);
    const rec = runItemRecord(dir, 'shapes-04-star.png');
    expect(runPhotoFile(m, rec.image)).toBe(path.join(SAMPLES, 'shapes-04-star.png'));
    const g = runGeometry(m, 224, 224);
    expect(g).toEqual({ photoWidth: 224, photoHeight: 224, resizedWidth: 112, resizedHeight: 112, cropLeft: 0, cropTop: 0, width: 112, height: 112 });
    const methods = runItemMethods(dir, m, rec, g);
    expect(methods.map((x) => x.id)).toEqual(['rise', 'borex:rise']);
    const [rise, borex] = methods;
    expect(rise.map).toEqual(prior);
    expect(rise.priorMap).toBeUndefined();
    expect(borex.map).toEqual(map);
    expect(borex.priorMap).toEqual(prior);
    expect(borex.result?.prior).toEqual({ method: 'rise', signed: false, metrics: { insertion: 0.5, deletion: 0.25 }, curves: { insertion: [0, 1], deletion: [1, 0] } });
    expect(borex.result?.metrics).toEqual({ insertion: 0.75, deletion: 0.25 });
    expect(borex.result?.label).toEqual({ index: 3, name: 'star', probability: 0.9 });
  });

  it('a run made with --maps none says so for every method, and keeps the metrics', () => {
    const { dir } = makeRun('none');
    const m = readRunManifest(dir);
    const methods = runItemMethods(dir, m, runItemRecord(dir, 'shapes-04-star.png'), runGeometry(m, 224, 224));
    expect(methods.map((x) => [x.id, x.map, x.mapNote])).toEqual([
      ['rise', undefined, 'this run kept no maps (made with --maps none): its metrics only'],
      ['borex:rise', undefined, 'this run kept no maps (made with --maps none): its metrics only'],
    ]);
    expect(methods[1].result?.metrics?.insertion).toBe(0.75);
  });

  it('a map file of the wrong size is named, not drawn; an unknown key is not-found naming it', () => {
    const { dir } = makeRun('npy');
    fs.writeFileSync(path.join(dir, 'maps/000000-shapes-04-star/borex_rise.npy'), encodeNpy(new Float32Array(10), [10]));
    const m = readRunManifest(dir);
    const [, borex] = runItemMethods(dir, m, runItemRecord(dir, 'shapes-04-star.png'), runGeometry(m, 224, 224));
    expect(borex.map).toBeUndefined();
    expect(borex.mapNote).toBe('maps/000000-shapes-04-star/borex_rise.npy: 10 values, not the model input\'s 12544');
    expect(() => runItemRecord(dir, 'nope.png')).toThrow(`run ${path.basename(dir)} has no item nope.png`);
  });

  it('geometry of a centre-cropped model follows the catalogue\'s crop fraction (mobilenetv2: 224/256)', () => {
    const { dir } = makeRun('none', { name: 'mobilenetv2-12-int8', input: { height: 224, width: 224, resize: 'shorter-side-crop' } });
    const g = runGeometry(readRunManifest(dir), 500, 375);
    expect(g).toEqual({ photoWidth: 500, photoHeight: 375, resizedWidth: 341, resizedHeight: 256, cropLeft: 59, cropTop: 16, width: 224, height: 224 });
  });

  it('thumbnails: a 64 px JPEG per readable photo, none for a photo that is gone; cached', async () => {
    const { dir } = makeRun('npy');
    const cache = new Map<string, string>();
    const t = await runThumbnails(dir, cache);
    expect(Object.keys(t)).toEqual(['shapes-04-star.png']);
    expect(t['shapes-04-star.png'].startsWith('data:image/jpeg;base64,/9j/')).toBe(true);
    expect(cache.size).toBe(1);
    expect(await runThumbnails(dir, cache)).toEqual(t);
  });

  it('settings: what run.json records, in the sidebar\'s terms (implicit priors left out)', () => {
    const { dir } = makeRun('npy');
    const file = path.join(dir, 'run.json');
    const run = JSON.parse(fs.readFileSync(file, 'utf8'));
    run.spec.methods = [
      { id: 'borex:rise', implicit: false, config: { preset: 'paper', rise: { masks: 1000 }, borex: { iterations: 50 } } },
      { id: 'rise', implicit: true, config: { preset: 'paper', rise: { masks: 1000 } } },
    ];
    run.spec.baseline = 'mean';
    run.spec.classMap = { file: '/somewhere/labels/voc_imagenet_map.txt', sha256: 'x' };
    fs.writeFileSync(file, JSON.stringify(run));
    expect(runSettings(readRunManifest(dir))).toEqual({ model: 'shapes-v1', methods: ['borex:rise'], preset: 'paper', iterations: 50, masks: 1000, baseline: 'mean', classMap: 'voc_imagenet_map.txt', maps: 'npy', medium: 'photo' });
  });

  it('export: a method\'s files as an explain job writes them, the map and prior exactly, result.json naming the run', async () => {
    const { dir, map, prior } = makeRun('npy');
    const m = readRunManifest(dir);
    const g = runGeometry(m, 224, 224);
    const borex = runItemMethods(dir, m, runItemRecord(dir, 'shapes-04-star.png'), g)[1];
    const out = tempDir('borex-run-item-out-');
    const photo = await decodeImage(path.join(SAMPLES, 'shapes-04-star.png'));
    expect(await writeRunItemFiles(out, photo, borex, g, { runId: 'r1', key: 'shapes-04-star.png' })).toEqual(['saliency.npy', 'overlay.png', 'prior.npy', 'prior-overlay.png', 'result.json']);
    const npy = (f: string) => {
      const b = fs.readFileSync(path.join(out, f));
      return parseNpy(b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer);
    };
    expect(npy('saliency.npy').data).toEqual(map);
    expect(npy('saliency.npy').shape).toEqual([112, 112]);
    expect(npy('prior.npy').data).toEqual(prior);
    const result = JSON.parse(fs.readFileSync(path.join(out, 'result.json'), 'utf8'));
    expect(result.source).toEqual({ run: 'r1', key: 'shapes-04-star.png' });
    expect(result.method).toBe('borex:rise');
    expect((await sharp(path.join(out, 'overlay.png')).metadata()).height).toBe(224);
    // A method without a map writes nothing.
    expect(await writeRunItemFiles(out, photo, { ...borex, map: undefined }, g, { runId: 'r1', key: 'k' })).toEqual([]);
  });
});
