/**
 * Issue 14, item 8, what was left: the `--resume` refusal cut both sides of its diff to 120
 * characters (a method's config differing at its end read "… ≠ …" with equal text);
 * result.json recorded `versions.sharp: "unknown"` (sharp's package.json is not exported);
 * `--resume` never retried failed images and nothing said so (`--retry-failed`); a zero-area box
 * ([10, 10, 10, 50]) was accepted by explain --boxes and manifests and covered no pixel.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { specDifference } from '../../src/engine/jobs/run-store.ts';
import { versions } from '../../src/engine/versions.ts';
import { borex, ROOT, tempDir } from '../helpers/cli.ts';

const dir = tempDir('resume-edges-');
const samples = path.join(ROOT, 'resources/samples');
const sample = path.join(samples, 'shapes-01-circle.png');

describe('resume and box edges (issue 14, item 8)', () => {
  it('a --resume refusal names the differing leaf inside the methods array, both values in full', () => {
    const config = (masks: number) => ({ kind: 'rise', preset: 'paper', gridSize: 8, p1: 0.3, batchSize: 32, seed: 0, filter: 'linear', padding: 'reflect', long: 'x'.repeat(150), masks });
    const a = { methods: [{ id: 'rise', implicit: false, config: config(100) }] };
    const b = { methods: [{ id: 'rise', implicit: false, config: config(200) }] };
    expect(specDifference(a, b)).toBe('spec.methods[0].config.masks: 100 ≠ 200');
    const c = { methods: [...a.methods, { id: 'gradcam', implicit: false, config: { kind: 'gradcam' } }] };
    expect(specDifference(a, c)).toBe(`spec.methods: 1 entries ≠ 2 entries (${JSON.stringify(a.methods)} ≠ ${JSON.stringify(c.methods)})`);
    expect(specDifference({ x: { long: 'y'.repeat(300) } }, {})).toBe(`spec.x: ${JSON.stringify({ long: 'y'.repeat(300) })} ≠ absent`);
  });

  it("versions record sharp's and libvips' real versions", () => {
    const sharp = (createRequire(import.meta.url)('sharp') as { versions: { sharp: string; vips: string } }).versions;
    const v = versions();
    expect(v.sharp).toBe(sharp.sharp);
    expect(v.sharp).toMatch(/^\d+\.\d+\.\d+/);
    expect(v.libvips).toBe(sharp.vips);
    const r = borex(['explain', sample, '--model', 'shapes-v1', '--method', 'gradcam', '--out', path.join(dir, 'versions')]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(fs.readFileSync(path.join(dir, 'versions', 'result.json'), 'utf8')) as { versions: Record<string, string> };
    expect(result.versions.sharp).toBe(sharp.sharp);
  });

  it('--resume leaves a failed image failed; --resume --retry-failed redoes it, in entry order, as a fresh run would write it', () => {
    const input = path.join(dir, 'photos');
    fs.mkdirSync(input);
    for (const f of ['shapes-01-circle.png', 'shapes-02-square.png', 'shapes-03-triangle.png']) fs.copyFileSync(path.join(samples, f), path.join(input, f));
    fs.writeFileSync(path.join(input, 'shapes-02-square.png'), Buffer.alloc(0)); // unreadable: recorded failed
    const out = path.join(dir, 'run');
    const args = ['batch', input, '--methods', 'gradcam', '--model', 'shapes-v1', '--no-metrics', '--out', out];
    expect(borex(args).code).toBe(0);
    const statuses = () => fs.readFileSync(path.join(out, 'items.jsonl'), 'utf8').trim().split('\n').map((l) => [JSON.parse(l).entry, JSON.parse(l).status]);
    expect(statuses()).toEqual([[0, 'ok'], [1, 'failed'], [2, 'ok']]);

    fs.copyFileSync(path.join(samples, 'shapes-02-square.png'), path.join(input, 'shapes-02-square.png')); // fixed
    const resumed = borex([...args, '--resume']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('done: 0 images');
    expect(statuses()).toEqual([[0, 'ok'], [1, 'failed'], [2, 'ok']]);

    const retried = borex([...args, '--resume', '--retry-failed']);
    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.stdout).toContain('done: 1 images');
    expect(retried.stdout).toContain('(2 already finished) (1 failed before, redone)');
    expect(statuses()).toEqual([[0, 'ok'], [1, 'ok'], [2, 'ok']]);
    const fresh = path.join(dir, 'fresh');
    expect(borex([...args.slice(0, -1), fresh]).code).toBe(0);
    expect(fs.readFileSync(path.join(out, 'items.jsonl'), 'utf8')).toBe(fs.readFileSync(path.join(fresh, 'items.jsonl'), 'utf8'));
    expect(fs.existsSync(path.join(out, 'run.lock'))).toBe(false);
  });

  it('--retry-failed without --resume is a usage error; --help documents both', () => {
    const r = borex(['batch', samples, '--methods', 'gradcam', '--model', 'shapes-v1', '--retry-failed', '--out', path.join(dir, 'no-resume')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('borex: error: --retry-failed redoes the failed items of a run: use it with --resume\n');
    const help = borex(['batch', '--help']).stdout;
    expect(help).toContain('items recorded as failed stay failed (they are finished) unless --retry-failed');
    expect(help).toContain('--retry-failed          with --resume: redo the images (videos) that failed or had a method fail');
  });

  it('explain --boxes and a manifest refuse a zero-area box, naming the file', () => {
    const rule = 'a box must be [x0, y0, x1, y1] with x1 > x0 and y1 > y0 (photo pixels; an empty or inverted box is refused)';
    const boxes = path.join(dir, 'flat.json');
    fs.writeFileSync(boxes, JSON.stringify([[20, 20, 100, 100], [10, 10, 10, 50]]));
    const e = borex(['explain', sample, '--model', 'shapes-v1', '--method', 'gradcam', '--boxes', boxes, '--out', path.join(dir, 'flat-out')]);
    expect(e.code).toBe(3);
    expect(e.stderr).toBe(`borex: error: ${boxes}: box 2 [10, 10, 10, 50]: ${rule}\n`);
    expect(fs.existsSync(path.join(dir, 'flat-out', 'result.json'))).toBe(false);

    const manifest = path.join(dir, 'flat.csv');
    fs.writeFileSync(manifest, `image,boxes\n${sample},"[[5,40,60,40]]"\n`);
    const b = borex(['batch', manifest, '--methods', 'gradcam', '--model', 'shapes-v1', '--out', path.join(dir, 'flat-run')]);
    expect(b.code).toBe(3);
    expect(b.stderr).toContain(`${manifest}: `);
    expect(b.stderr).toContain(rule);
  });
});
