/**
 * The user's own .onnx model through the backend with the real engine (in this thread): uploaded
 * with its spec and labels, opened at once, then classified and explained like a catalogue model.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiBackend } from '../../../src/app/backend.ts';
import { RESOURCES_DIR } from '../../../src/engine/model/catalogue.ts';
import type { JobEvent } from '../../../src/shared/api.ts';
import { FIXTURE_MODELS, tempDir } from '../../helpers/cli.ts';
import { InProcessHost } from '../worker/in-process-host.ts';

const MODELS = path.join(RESOURCES_DIR, 'models');
const SAMPLES = path.join(RESOURCES_DIR, 'samples');
const samples = JSON.parse(fs.readFileSync(path.join(SAMPLES, 'samples.json'), 'utf8')) as { file: string; label: string; labelIndex: number }[];
const bytes = (file: string) => Readable.from([fs.readFileSync(file)]);

describe('user models with the real engine', () => {
  const host = new InProcessHost();
  const work = tempDir();
  const backend = new ApiBackend(host, work, 'http');
  afterAll(() => backend.close());

  it('opens an uploaded model with its spec and labels, and classifies a sample with it', async () => {
    const spec = backend.userModels.stageCompanion(fs.readFileSync(path.join(MODELS, 'shapes-v1.borex.json')), 'my-shapes.borex.json');
    // Labels of its own (upper case), so the test shows the uploaded file is the one used.
    const names = fs.readFileSync(path.join(MODELS, 'shapes-v1.labels.txt'), 'utf8').toUpperCase();
    const labels = backend.userModels.stageCompanion(Buffer.from(names), 'MY-LABELS.txt');
    const listing = await backend.userModels.addUpload(bytes(path.join(MODELS, 'shapes-v1.onnx')), 'my-shapes.onnx', { spec: spec.id, labels: labels.id });
    expect(listing.user).toEqual({ fileName: 'my-shapes.onnx', modelName: 'my-shapes', classes: 6, input: { height: 112, width: 112, layout: 'NCHW', resize: 'stretch' }, specSource: 'my-shapes.borex.json', labels: 'MY-LABELS.txt', warnings: [] });
    expect(backend.info().models.at(-1)).toEqual(listing);

    for (const sample of samples.slice(0, 3)) {
      const image = await backend.addImageBytes(fs.readFileSync(path.join(SAMPLES, sample.file)), sample.file);
      const classes = await backend.classify({ imageId: image.id, model: listing.name });
      expect(classes.top5[0]).toMatchObject({ index: sample.labelIndex, name: sample.label.toUpperCase() });
      expect(classes.model).toBe('my-shapes');
    }
  });

  it('explains with it, and BOREx sends its prior once, while it runs, before the result', async () => {
    const listing = await backend.userModels.addUpload(bytes(path.join(MODELS, 'shapes-v1.onnx')), 'again.onnx', {});
    const image = await backend.addImageBytes(fs.readFileSync(path.join(SAMPLES, samples[0].file)), samples[0].file);
    const events: JobEvent[] = [];
    backend.events.on('job', (e) => events.push(e));
    const { jobId } = backend.explain({ imageId: image.id, model: listing.name, method: 'borex', prior: 'rise', preset: 'default', advanced: { masks: 200, iterations: 6 } });
    await expect.poll(() => events.find((e) => e.type === 'done' || e.type === 'failed'), { timeout: 60_000 }).toBeDefined();
    const done = events.at(-1)!;
    expect(done).toMatchObject({ type: 'done', jobId, result: { model: { name: 'again' } } });
    const withPrior = events.filter((e) => e.type === 'progress' && e.priorMap);
    expect(withPrior).toHaveLength(1);
    const first = withPrior[0] as Extract<JobEvent, { type: 'progress' }>;
    expect(first).toMatchObject({ stage: 'borex', done: 0 });
    expect(events.indexOf(first)).toBeLessThan(events.findIndex((e) => e.type === 'progress' && e.stage === 'borex' && e.done === 1));
    expect(Array.from(first.priorMap!)).toEqual(Array.from((done as Extract<JobEvent, { type: 'done' }>).priorMap!));
  });

  it('without a spec, uses the stated defaults and says so; labels that do not fit are a note, not a failure', async () => {
    const labels = backend.userModels.stageCompanion(Buffer.from('a\nb\nc\n'), 'three.txt');
    const listing = await backend.userModels.addUpload(bytes(path.join(MODELS, 'shapes-v1.onnx')), 'bare.onnx', { labels: labels.id });
    expect(listing.user).toMatchObject({ classes: 6, specSource: 'defaults (torchvision ImageNet preprocessing)', labels: undefined, warnings: [expect.stringMatching(/^bare\.onnx: labels list has 3 names but the model outputs 6 classes/)] });
    expect(listing.description).toMatch(/classes shown by index/);
  });

  it.each([
    ['not-image.onnx', 'a text model.onnx', /^a text model\.onnx: is not an image classifier: input/],
    ['GARBAGE', 'garbage.onnx', /^garbage\.onnx: not a loadable ONNX model/],
  ])('refuses %s with the engine\'s reason, naming the file as the user knows it', async (fixture, name, message) => {
    const body = fixture === 'GARBAGE' ? Readable.from([Buffer.from('definitely not protobuf')]) : bytes(path.join(FIXTURE_MODELS, fixture));
    const before = backend.info().models.length;
    await expect(backend.userModels.addUpload(body, name, {})).rejects.toMatchObject({ kind: 'model', message: expect.stringMatching(message) });
    expect(backend.info().models).toHaveLength(before);
    expect(fs.readdirSync(path.join(work, 'models')).some((d) => fs.readdirSync(path.join(work, 'models', d)).some((f) => f.startsWith(name.replace(/\.onnx$/, ''))))).toBe(false);
  });

  it('refuses a broken spec, naming the spec file', async () => {
    const spec = backend.userModels.stageCompanion(Buffer.from('{"layout": "CHW"}'), 'broken.borex.json');
    await expect(backend.userModels.addUpload(bytes(path.join(MODELS, 'shapes-v1.onnx')), 'm.onnx', { spec: spec.id })).rejects.toMatchObject({ kind: 'model', message: 'broken.borex.json: layout must be one of NCHW, NHWC, NCTHW, NTCHW, NTHWC, got CHW' });
  });
});
