/**
 * The bundled photo model: resources/models/mobilenetv2-12-int8.onnx is the ONNX Model Zoo file
 * byte for byte, found offline with no model directory, with its ImageNet labels; it is the
 * default for photos, and the toy shape model stays the demo's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, DEFAULT_MODEL, DEMO_MODEL, RESOURCES_DIR, catalogueEntry } from '../../../src/engine/model/catalogue.ts';
import { resolveModel, sha256File } from '../../../src/engine/model/model-store.ts';

const MODELS = path.join(RESOURCES_DIR, 'models');
/** No BOREX_MODEL_DIR and an empty cache: only what the repository itself holds. */
const offline = { BOREX_CACHE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'borex-empty-cache-')) };

describe('the bundled default photo model', () => {
  it('is MobileNetV2 int8, bundled, with the sha256 of the shared assets manifest', () => {
    expect(DEFAULT_MODEL).toBe('mobilenetv2-12-int8');
    expect(DEMO_MODEL).toBe('shapes-v1');
    const entry = catalogueEntry(DEFAULT_MODEL)!;
    expect(entry.bundled).toBe(true);
    expect(sha256File(path.join(MODELS, entry.file))).toBe('83530ad811bc31d2b60a5599a21265a5057608c9b044b4ee758cc22f2309f54f');
    expect(fs.statSync(path.join(MODELS, entry.file)).size).toBe(3_655_640);
    // Every bundled entry's file is in resources/models with the catalogue's sha256.
    for (const e of CATALOGUE.filter((x) => x.bundled)) expect(sha256File(path.join(MODELS, e.file))).toBe(e.sha256);
  });

  it('resolves offline from resources/models with 1000 ImageNet labels and torchvision preprocessing', () => {
    const r = resolveModel(DEFAULT_MODEL, {}, offline);
    expect(r.file).toBe(path.join(MODELS, 'mobilenetv2-12-int8.onnx'));
    expect(r.specSource).toBe(path.join(MODELS, 'mobilenetv2-12-int8.borex.json'));
    expect(r.labels).toHaveLength(1000);
    expect(r.labels![0]).toBe('tench, Tinca tinca');
    expect(r.labels![249]).toBe('malamute, malemute, Alaskan malamute');
    // The sidecar says what the catalogue says: the same preprocessing wherever the file is found.
    expect({ ...r.spec, labels: undefined }).toEqual({ ...catalogueEntry(DEFAULT_MODEL)!.spec, labels: undefined });
  });

  it('has its licence and provenance beside it', () => {
    const card = fs.readFileSync(path.join(MODELS, 'mobilenetv2-12-int8.md'), 'utf8');
    expect(card).toContain('Apache-2.0');
    expect(card).toContain('83530ad811bc31d2b60a5599a21265a5057608c9b044b4ee758cc22f2309f54f');
  });
});
