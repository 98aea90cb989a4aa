import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { borex, FIXTURE_MODELS, ROOT, tempDir } from '../helpers/cli.ts';

const region = path.join(FIXTURE_MODELS, 'region-2class.onnx');
const png = path.join(FIXTURE_MODELS, '..', 'images', 'pattern.png');

describe('borex models', () => {
  it('info reads the sidecar spec, classes and input of a model', () => {
    const r = borex(['models', 'info', region]);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info).toMatchObject({ name: 'region-2class', classes: 2, specSource: region.replace('.onnx', '.borex.json') });
    expect(info.spec).toMatchObject({ height: 32, width: 32, layout: 'NCHW', inputName: 'input', outputName: 'output', labels: ['region', 'other'] });
    expect(info.whiteBox.supported).toBe(false);
    expect(info.whiteBox.reason).toMatch(/head is not GAP \+ linear/);
  });

  it('list --json shows the searched directories and the catalogue', () => {
    const dir = tempDir();
    const r = borex(['models', 'list', '--json'], { BOREX_MODEL_DIR: dir, BOREX_CACHE_DIR: path.join(dir, 'cache') });
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout);
    expect(list.directories[0]).toBe(dir);
    expect(list.models.map((m: { name: string }) => m.name)).toEqual(['shapes-v1', 'motion-v1', 'mobilenetv2-12-int8', 'mobilenetv2-float32']);
    // Bundled: found in resources/models even with an empty model directory and cache.
    expect(list.models.find((m: { name: string }) => m.name === 'mobilenetv2-12-int8')).toMatchObject({ found: path.join(ROOT, 'resources/models/mobilenetv2-12-int8.onnx'), downloadable: true });
    expect(list.models.find((m: { name: string }) => m.name === 'mobilenetv2-float32')).toMatchObject({ found: null, downloadable: false });
  });

  it('download refuses a model with no source without touching the network', () => {
    const r = borex(['models', 'download', 'mobilenetv2-float32'], { BOREX_CACHE_DIR: tempDir() });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/has no download source/);
  });

  it('an unavailable execution provider falls back to cpu with a warning', () => {
    const out = path.join(tempDir(), 'o');
    const r = borex(['explain', png, '--model', region, '--provider', 'cuda', '--masks', '20', '--grid', '4', '--no-metrics', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: execution provider cuda is not available here .*; using cpu/);
  });
});
