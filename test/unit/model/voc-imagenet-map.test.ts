/**
 * The bundled model's VOC → ImageNet class map (resources/labels/voc_imagenet_map.txt, issue 13):
 * made by tools/voc-imagenet-map/make.mjs from Debian's WordNet 3.0 (wordnet-base), never copied
 * from ../shared/assets. The bundled model finds it beside itself, so a VOC batch without
 * BOREX_MODEL_DIR explains each class present rather than the top-1 class. Compared with the shared
 * map: the counts are measured and pinned (agreement reported, not required equal).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readVocImagenetMap } from '../../../src/engine/metrics/voc.ts';
import { RESOURCES_DIR } from '../../../src/engine/model/catalogue.ts';
import { findLabelsFile } from '../../../src/engine/model/model-store.ts';
import { asset, assetStatus } from '../../helpers/assets.ts';
import { ROOT } from '../../helpers/cli.ts';

const MAP = path.join(RESOURCES_DIR, 'labels', 'voc_imagenet_map.txt');
const WORDNET = '/usr/share/wordnet/data.noun';

describe('the bundled VOC → ImageNet class map', () => {
  it('is found beside the bundled model (no BOREX_MODEL_DIR) and maps 226 classes', () => {
    expect(findLabelsFile('voc_imagenet_map.txt', [path.join(RESOURCES_DIR, 'models')], { HOME: '/nonexistent' })).toBe(MAP);
    const map = readVocImagenetMap(MAP);
    expect(map.size).toBe(226);
    const labels = fs.readFileSync(path.join(RESOURCES_DIR, 'models', 'mobilenetv2-12-int8.labels.txt'), 'utf8').split('\n');
    const of = (name: string) => map.get(labels.indexOf(name));
    expect(of('golden retriever')).toBe('dog');
    expect(of('airliner')).toBe('aeroplane');
    expect(of('crane')).toBe('bird'); // 134, the bird (517, the machine, comes later in WordNet id order)
    expect(map.get(517)).toBeUndefined();
    expect(of('scuba diver')).toBe('person');
    const counts: Record<string, number> = {};
    for (const v of map.values()) counts[v] = (counts[v] ?? 0) + 1;
    expect(counts).toEqual({ aeroplane: 1, bicycle: 2, bird: 59, boat: 6, bottle: 7, bus: 3, car: 10, cat: 7, chair: 4, diningtable: 1, dog: 118, horse: 1, motorbike: 1, person: 3, sheep: 1, sofa: 1, train: 1 });
  });

  it.skipIf(!fs.existsSync(WORDNET) && process.env.CI !== 'true')('is what the generator makes from WordNet (wordnet-base)', () => {
    if (!fs.existsSync(WORDNET)) throw new Error(`CI=true but ${WORDNET} is missing (apt-get install -y wordnet-base)`);
    const r = spawnSync(process.execPath, [path.join(ROOT, 'tools/voc-imagenet-map/make.mjs'), '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('resources/labels/voc_imagenet_map.txt: the same as made from WordNet');
    expect(r.status).toBe(0);
  });

  it.skipIf(assetStatus('labels/voc_imagenet_map.txt').skip)('agrees with the shared map on 209 classes and contradicts it on none', () => {
    const ours = readVocImagenetMap(MAP);
    const shared = readVocImagenetMap(asset('labels/voc_imagenet_map.txt'));
    const agree = [...ours].filter(([i, v]) => shared.get(i) === v).length;
    const differ = [...ours].filter(([i, v]) => shared.has(i) && shared.get(i) !== v).length;
    const onlyOurs = [...ours.keys()].filter((i) => !shared.has(i)).length;
    const onlyShared = [...shared.keys()].filter((i) => !ours.has(i)).length;
    console.log(`VOC-MAP: ours ${ours.size}, shared ${shared.size}, the same ${agree}, different ${differ}, only ours ${onlyOurs}, only shared ${onlyShared}`);
    expect({ ours: ours.size, shared: shared.size, agree, differ, onlyOurs, onlyShared }).toEqual({ ours: 226, shared: 230, agree: 209, differ: 0, onlyOurs: 17, onlyShared: 21 });
  });
});
