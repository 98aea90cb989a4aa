import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { borex, FIXTURE_MODELS, tempDir } from '../helpers/cli.ts';

const region = path.join(FIXTURE_MODELS, 'region-2class.onnx');
const work = tempDir();
const png = path.join(work, 'ok.png');
// A valid 8×8 PNG, written with sharp through the CLI-independent path.
const sharp = (await import('sharp')).default;
await sharp({ create: { width: 8, height: 8, channels: 3, background: '#ffffff' } }).png().toFile(png);
const corrupt = path.join(work, 'corrupt.jpg');
fs.writeFileSync(corrupt, Buffer.concat([fs.readFileSync(png).subarray(0, 40)]));
const text = path.join(work, 'notes.jpg');
fs.writeFileSync(text, 'this is not an image\n');

/** Every bad input: one clear message naming the file, its exit code, and no output directory. */
function expectFailure(args: string[], code: number, message: RegExp, env: NodeJS.ProcessEnv = {}) {
  const out = path.join(work, `out-${Math.random().toString(36).slice(2)}`);
  const r = borex([...args, '--out', out], env);
  expect(r.stderr).toMatch(message);
  expect(r.code).toBe(code);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(fs.existsSync(out)).toBe(false);
}

describe('bad input is refused with a message, an exit code and no partial output', () => {
  it('the fixture model itself works (control)', () => {
    const out = path.join(work, 'control');
    const r = borex(['explain', png, '--model', region, '--masks', '50', '--grid', '4', '--p1', '0.5', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['overlay.png', 'result.json', 'saliency.npy']);
  });

  it('a missing image → 3', () => expectFailure(['explain', path.join(work, 'nope.png'), '--model', region], 3, /nope\.png: cannot read the file \(ENOENT\)/));
  it('a corrupt image → 3', () => expectFailure(['explain', corrupt, '--model', region], 3, /corrupt\.jpg: (corrupt|not a readable image)/));
  it('a text file named .jpg → 3', () => expectFailure(['explain', text, '--model', region], 3, /notes\.jpg: not a readable image/));
  it('a model that is not an image classifier → 4', () =>
    expectFailure(['explain', png, '--model', path.join(FIXTURE_MODELS, 'not-image.onnx')], 4, /not-image\.onnx: is not an image classifier: input "input" has shape \[N, 10\]/));
  it('a model whose output is not [N, classes] → 4', () =>
    expectFailure(['explain', png, '--model', path.join(FIXTURE_MODELS, 'bad-output.onnx')], 4, /bad-output\.onnx: is not an image classifier: output "output" has shape/));
  it('a model that outputs NaN → 4', () => expectFailure(['explain', png, '--model', path.join(FIXTURE_MODELS, 'nan-output.onnx'), '--input-size', '32x32'], 4, /nan-output\.onnx: the model produced NaN or Inf/));
  it('a file that is not ONNX → 4', () => expectFailure(['explain', png, '--model', text.replace('.jpg', '.onnx')], 4, /model file not found/));
  it('a corrupt .onnx → 4', () => {
    const bad = path.join(work, 'broken.onnx');
    fs.writeFileSync(bad, 'garbage');
    expectFailure(['explain', png, '--model', bad], 4, /broken\.onnx: not a loadable ONNX model/);
  });
  it('a label out of range → 2', () => expectFailure(['explain', png, '--model', region, '--label', '7'], 2, /label index 7 is out of range: the model has 2 classes/));
  it('an unknown label name → 2', () => expectFailure(['explain', png, '--model', region, '--label', 'zebra'], 2, /unknown label "zebra"/));
  it('an unknown model name → 2', () => expectFailure(['explain', png, '--model', 'resnet9000'], 2, /unknown model "resnet9000"/));
  it('a catalogue model missing from every model directory → 4', () =>
    expectFailure(['explain', png, '--model', 'mobilenetv2-float32'], 4, /model "mobilenetv2-float32" \(mobilenetv2-float32\.onnx\) not found/, { BOREX_MODEL_DIR: path.join(work, 'empty'), BOREX_CACHE_DIR: path.join(work, 'cache') }));
  it('an unknown option → 2', () => expectFailure(['explain', png, '--model', region, '--colour', 'red'], 2, /Unknown option '--colour'/));
  it('an unknown method → 2', () => expectFailure(['explain', png, '--model', region, '--method', 'lime'], 2, /unknown method "lime"/));
});
