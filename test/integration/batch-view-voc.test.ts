/**
 * A VOC folder batched as the app batches it (a folder opened in the Batch view), with the real
 * MobileNetV2: a photo holding a bus and a car is explained once per class, and the Batch view's
 * rows (src/renderer/src/lib/batch-rows.ts, fed the very events the backend sends) show both items
 * in that photo's one row — also when the run is cancelled before it and resumed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiBackend } from '../../src/app/backend.ts';
import { readRunItems } from '../../src/engine/jobs/run-store.ts';
import { addItems, assignEntries, rowsForRun, statusText, type BatchRow } from '../../src/renderer/src/lib/batch-rows.ts';
import type { JobEvent } from '../../src/shared/api.ts';
import { asset, assetStatus, MODEL_DIR } from '../helpers/assets.ts';
import { tempDir } from '../helpers/cli.ts';
import { InProcessHost } from '../unit/worker/in-process-host.ts';

const PLANE = '2007_000032'; // aeroplanes: one item
const BUS_AND_CAR = '2007_000663'; // a bus and a car: two items
const { skip } = assetStatus('models/mobilenetv2-12-int8.onnx', 'labels/voc_imagenet_map.txt', ...[PLANE, BUS_AND_CAR].flatMap((n) => [`voc2012-subset/JPEGImages/${n}.jpg`, `voc2012-subset/Annotations/${n}.xml`]));

type Progress = Extract<JobEvent, { type: 'progress' }>;

describe.skipIf(skip)('Batch view rows of a VOC folder with MobileNetV2', () => {
  process.env.BOREX_MODEL_DIR = MODEL_DIR;
  const host = new InProcessHost();
  const backend = new ApiBackend(host, tempDir('borex-voc-view-'), 'ipc', { runsDir: tempDir('borex-voc-view-runs-') });
  afterAll(() => backend.close());
  const events: JobEvent[] = [];
  backend.events.on('job', (e) => events.push(e));
  const ended = async (jobId: string) => {
    await expect.poll(() => events.find((e) => e.jobId === jobId && e.type !== 'progress'), { timeout: 120_000 }).toBeDefined();
    return events.filter((e) => e.jobId === jobId).at(-1)!;
  };
  /** What the Batch view does with a job's progress events (BatchView.svelte's onJobEvent). */
  const replay = (jobId: string, rows: BatchRow[], resumed: boolean) => {
    for (const e of events.filter((x): x is Progress => x.jobId === jobId && x.type === 'progress')) {
      if (e.entries) rows = resumed ? rowsForRun(e.entries) : assignEntries(rows, e.entries);
      if (e.items) rows = addItems(rows, e.items);
    }
    return rows;
  };

  it('shows both classes of one photo in its row, cancelled before it and resumed', async () => {
    const root = tempDir('borex-voc-root-');
    for (const n of [PLANE, BUS_AND_CAR]) {
      fs.mkdirSync(path.join(root, 'JPEGImages'), { recursive: true });
      fs.mkdirSync(path.join(root, 'Annotations'), { recursive: true });
      fs.copyFileSync(asset(`voc2012-subset/JPEGImages/${n}.jpg`), path.join(root, 'JPEGImages', `${n}.jpg`));
      fs.copyFileSync(asset(`voc2012-subset/Annotations/${n}.xml`), path.join(root, 'Annotations', `${n}.xml`));
    }
    const folder = backend.addFolder(root);
    expect(folder).toMatchObject({ kind: 'voc-root', images: [`JPEGImages/${PLANE}.jpg`, `JPEGImages/${BUS_AND_CAR}.jpg`] });
    // As BatchView queues a folder's photos for a job: queued, in the job.
    const queue: BatchRow[] = folder.images.map((name) => ({ name, state: 'queued', inJob: true, items: [] }));

    // Cancelled once the plane is stored: the bus-and-car photo is still to do.
    const started = backend.batch({ folderId: folder.id, model: 'mobilenetv2-12-int8', methods: ['rise'], preset: 'paper' });
    backend.events.on('job', function stop(e) {
      if (e.jobId === started.jobId && e.type === 'progress' && e.items?.length) {
        backend.events.off('job', stop);
        backend.cancel({ jobId: started.jobId });
      }
    });
    expect(await ended(started.jobId)).toMatchObject({ kind: 'cancelled' });
    const cut = replay(started.jobId, queue, false);
    expect(cut.map((r) => [r.name, r.state, statusText(r)])).toEqual([
      [`JPEGImages/${PLANE}.jpg`, 'done', 'done'],
      [`JPEGImages/${BUS_AND_CAR}.jpg`, 'running', 'running'],
    ]);

    const resumed = backend.resumeRun({ runId: started.runId });
    expect(await ended(resumed.jobId)).toMatchObject({ type: 'batch-done', summary: { skipped: 1, processed: 1, ok: 2 } });
    // The photo's two items came in one event; its row holds both, done.
    const sent = events.filter((e): e is Progress => e.jobId === resumed.jobId && e.type === 'progress' && !!e.items && !e.entries);
    expect(sent.map((e) => e.items!.map((i) => [i.key, i.entry, i.parts]))).toEqual([
      [
        [`JPEGImages/${BUS_AND_CAR}.jpg#bus`, 1, 2],
        [`JPEGImages/${BUS_AND_CAR}.jpg#car`, 1, 2],
      ],
    ]);
    const rows = replay(resumed.jobId, [], true);
    expect(rows.map((r) => [r.name, r.state, r.items.length, statusText(r)])).toEqual([
      [`JPEGImages/${PLANE}.jpg`, 'done', 1, 'done'],
      [`JPEGImages/${BUS_AND_CAR}.jpg`, 'done', 2, 'done · 2 items'],
    ]);
    expect(rows[1].items.every((i) => i.methods.rise.status === 'ok' && i.methods.rise.fRp! > 0)).toBe(true);
    expect(readRunItems(path.join(backend.runsDir, started.runId)).map((r) => r.key)).toEqual([`JPEGImages/${PLANE}.jpg#aeroplane`, `JPEGImages/${BUS_AND_CAR}.jpg#bus`, `JPEGImages/${BUS_AND_CAR}.jpg#car`]);
  });
});
