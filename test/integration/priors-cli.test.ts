import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { asset, assetStatus, MODEL_DIR } from '../helpers/assets.ts';
import { borex, FIXTURE_MODELS, readNpy, ROOT, tempDir } from '../helpers/cli.ts';

const region = path.join(FIXTURE_MODELS, 'region-2class.onnx');
const png = path.join(ROOT, 'test/fixtures/images/pattern.png');
const priorFile = path.join(ROOT, 'test/fixtures/priors/ramp-f4.npy');

describe('priors through the CLI', () => {
  it('an imported .npy prior is refined, and its own metrics are reported', () => {
    const out = path.join(tempDir(), 'o');
    const r = borex(['explain', png, '--model', region, '--method', 'borex', '--prior', priorFile, '--iterations', '4', '--out', out, '--json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(fs.readFileSync(path.join(out, 'result.json'), 'utf8'));
    expect(result.prior.method).toBe(priorFile);
    expect(result.prior.metrics.insertion).toBeTypeOf('number');
    expect(result.borex.samples).toHaveLength(4);
    expect(result.borex.samples[0]).toMatchObject({ row: 31, col: 31 }); // the ramp's maximum
    expect(fs.existsSync(path.join(out, 'prior.npy'))).toBe(true);
  });

  it('a bad prior file is refused with exit 3 and no output', () => {
    const out = path.join(tempDir(), 'o');
    const r = borex(['explain', png, '--model', region, '--method', 'borex', '--prior', path.join(ROOT, 'test/fixtures/priors/bad-nan.npy'), '--out', out]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/bad-nan\.npy: not usable as a prior: the map contains NaN or Inf/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('Grad-CAM on a model without a GAP + linear head is refused with exit 4', () => {
    const r = borex(['explain', png, '--model', region, '--method', 'gradcampp', '--out', path.join(tempDir(), 'o')]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/region-2class\.onnx: this model's head is not GAP \+ linear; use a black-box prior or import one/);
  });

  const { skip } = assetStatus('models/mobilenetv2-12-int8.onnx', 'images/darknet/dog.jpg');
  it.skipIf(skip)('BOREx refines a Grad-CAM++ prior of the real MobileNetV2', () => {
    const out = path.join(tempDir(), 'o');
    const r = borex(['explain', asset('images/darknet/dog.jpg'), '--model', 'mobilenetv2-12-int8', '--method', 'borex', '--prior', 'gradcampp', '--iterations', '5', '--metric-step', '2240', '--out', out], { BOREX_MODEL_DIR: MODEL_DIR });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(fs.readFileSync(path.join(out, 'result.json'), 'utf8'));
    expect(result.label.name).toBe('malamute');
    expect(result.prior.method).toBe('gradcampp');
    expect(result.curves.insertion).toHaveLength(24);
    // The Grad-CAM++ map is min–max scaled to [0, 1].
    const prior = readNpy(path.join(out, 'prior.npy'));
    expect(prior.shape).toEqual([224, 224]);
    expect(Math.max(...prior.data)).toBeCloseTo(1, 6);
    expect(Math.min(...prior.data)).toBeCloseTo(0, 6);
  });
});
