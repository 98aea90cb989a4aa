import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { borex, readNpy, tempDir } from '../helpers/cli.ts';
import { REGION_MODEL, writeImages } from '../unit/jobs/fixtures.ts';

/**
 * `borex batch --sizes LIST`: BOREx's square half-widths for every BOREx method of a run, as
 * `borex explain --sizes` (issue 15's size experiments, tools/borex-findings/sizes.sh). Uses the
 * tiny ONNX fixture model: no shared assets.
 */
const COMMON = ['--model', REGION_MODEL, '--methods', 'borex:rise', '--iterations', '4', '--no-metrics', '--threads', '1'];
let dir: string;
let image: string;

beforeAll(async () => {
  dir = tempDir('borex-batch-sizes-');
  [image] = (await writeImages(path.join(dir, 'imgs'), 1)).map((name) => path.join(dir, 'imgs', name));
});

const mapOf = (run: string) => {
  const [item] = fs.readdirSync(path.join(run, 'maps'));
  return readNpy(path.join(run, 'maps', item, 'borex_rise.npy')).data;
};

describe('borex batch --sizes', () => {
  it('records the sizes in run.json and gives the map borex explain gives with the same sizes', () => {
    const run = path.join(dir, 'small');
    const r = borex(['batch', path.join(dir, 'imgs'), ...COMMON, '--sizes', '5,9', '--out', run]);
    expect(r.code, r.stderr).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(run, 'run.json'), 'utf8'));
    const method = manifest.spec.methods.find((m: { id: string }) => m.id === 'borex:rise');
    expect(method.config.borex.halfSizes).toEqual([5, 9]);

    const single = path.join(dir, 'explain');
    const e = borex(['explain', image, '--model', REGION_MODEL, '--method', 'borex', '--prior', 'rise', '--preset', 'paper', '--iterations', '4', '--sizes', '5,9', '--no-metrics', '--threads', '1', '--out', single]);
    expect(e.code, e.stderr).toBe(0);
    expect(mapOf(run)).toEqual(readNpy(path.join(single, 'saliency.npy')).data);

    const defaults = path.join(dir, 'default');
    expect(borex(['batch', path.join(dir, 'imgs'), ...COMMON, '--out', defaults]).code).toBe(0);
    expect(mapOf(defaults)).not.toEqual(mapOf(run));
  });

  it('refuses a bad list with a usage error naming the flag, before writing a run', () => {
    const run = path.join(dir, 'bad');
    const r = borex(['batch', path.join(dir, 'imgs'), ...COMMON, '--sizes', '5,0', '--out', run]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--sizes must be comma-separated positive numbers, got "5,0"');
    expect(fs.existsSync(run)).toBe(false);
  });
});
