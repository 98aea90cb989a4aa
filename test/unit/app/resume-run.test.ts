/**
 * Resuming a batch run through the API backend, with the real engine (in this thread) and the
 * bundled shape classifier: a cancelled run continues in its own directory with only the photos
 * still to do; a run whose inputs or model are gone (a serve session that ended) is refused with
 * what is missing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiBackend } from '../../../src/app/backend.ts';
import { readRunItems, readTimings } from '../../../src/engine/jobs/run-store.ts';
import { RESOURCES_DIR } from '../../../src/engine/model/catalogue.ts';
import type { BatchStarted, JobEvent } from '../../../src/shared/api.ts';
import { tempDir } from '../../helpers/cli.ts';
import { InProcessHost } from '../worker/in-process-host.ts';

const MODELS = path.join(RESOURCES_DIR, 'models');
const SAMPLES = path.join(RESOURCES_DIR, 'samples');
const PHOTOS = ['shapes-01-circle.png', 'shapes-02-square.png', 'shapes-03-triangle.png', 'shapes-04-star.png'];
const BATCH = { model: 'shapes-v1', methods: ['rise'], preset: 'paper' };

type Progress = Extract<JobEvent, { type: 'progress' }>;

/** A backend as one `borex serve` session has it: its own work directory, the shared runs directory. */
function session(runsDir: string) {
  const host = new InProcessHost();
  const work = tempDir('borex-session-');
  const backend = new ApiBackend(host, work, 'http', { runsDir });
  const events: JobEvent[] = [];
  backend.events.on('job', (e) => events.push(e));
  const of = (jobId: string) => events.filter((e) => e.jobId === jobId);
  /** The job's last event, once it ended. */
  const ended = async (jobId: string) => {
    await expect.poll(() => of(jobId).find((e) => e.type !== 'progress'), { timeout: 60_000 }).toBeDefined();
    return of(jobId).at(-1)!;
  };
  /** Cancels the job as soon as its first image is stored (the Cancel button, or a crash, part way). */
  const cancelAfterFirstImage = (jobId: string) => {
    const stop = (e: JobEvent) => {
      if (e.jobId === jobId && e.type === 'progress' && e.items?.length) {
        backend.events.off('job', stop);
        backend.cancel({ jobId });
      }
    };
    backend.events.on('job', stop);
  };
  const upload = () => Promise.all(PHOTOS.map(async (f) => (await backend.addImageBytes(fs.readFileSync(path.join(SAMPLES, f)), f)).id));
  return { host, work, backend, events, of, ended, cancelAfterFirstImage, upload };
}

/** Every model call of one image in a run: its classification and each method's calls (timing.jsonl). */
const callsOf = (runDir: string, entry: number) => 1 + Object.values(readTimings(runDir).find((t) => t.entry === entry)!.methods).reduce((n, m) => n + m.model_calls, 0);

describe('resuming a batch run through the API (real engine)', () => {
  const runsDir = tempDir('borex-runs-');
  const a = session(runsDir);
  afterAll(() => a.backend.close());
  let cancelled: BatchStarted;

  it('continues a cancelled run in its own directory: only the photos still to do run, and the run equals an uninterrupted one', async () => {
    const ids = await a.upload();
    const reference = a.backend.batch({ imageIds: ids, ...BATCH });
    expect(await a.ended(reference.jobId)).toMatchObject({ type: 'batch-done' });

    cancelled = a.backend.batch({ imageIds: ids, ...BATCH });
    a.cancelAfterFirstImage(cancelled.jobId);
    expect(await a.ended(cancelled.jobId)).toMatchObject({ type: 'failed', kind: 'cancelled' });
    const dir = path.join(runsDir, cancelled.runId);
    expect(readRunItems(dir).map((r) => r.image)).toEqual(['shapes-01-circle.png']);
    expect(a.backend.runs().runs.find((r) => r.runId === cancelled.runId)).toMatchObject({ entries: 4, items: 1, remaining: 3 });
    expect(a.backend.runs().runs.find((r) => r.runId === reference.runId)).toMatchObject({ entries: 4, items: 4, remaining: 0 });

    const model = (await a.host.models.get({ key: 'shapes-v1' })).classifier;
    const callsBefore = model.calls;
    const resumed = a.backend.resumeRun({ runId: cancelled.runId });
    expect(resumed.runId).toBe(cancelled.runId);
    expect(a.host.jobs.at(-1)).toEqual({ kind: 'resume', runDir: dir, model: { key: 'shapes-v1' } });
    // Resuming it twice at once is refused.
    expect(() => a.backend.resumeRun({ runId: cancelled.runId })).toThrow(expect.objectContaining({ kind: 'bad-request', message: `run ${cancelled.runId} is already running in this session` }));
    expect(await a.ended(resumed.jobId)).toMatchObject({ type: 'batch-done', methods: ['rise'], summary: { entries: 4, skipped: 1, processed: 3, ok: 3, failed: 0, noItem: 0 } });

    // First the whole queue with the item already done, then one item per photo still to do.
    const updates = a.of(resumed.jobId).filter((e): e is Progress => e.type === 'progress' && (!!e.entries || !!e.items));
    expect(updates[0].entries).toEqual(PHOTOS);
    expect(updates[0].items!.map((i) => [i.image, i.entry, i.parts])).toEqual([['shapes-01-circle.png', 0, 1]]);
    expect(updates.slice(1).flatMap((e) => e.items!.map((i) => i.entry))).toEqual([1, 2, 3]);

    // The model ran for the three photos still to do, not for the one done before.
    expect(model.calls - callsBefore).toBe(callsOf(dir, 1) + callsOf(dir, 2) + callsOf(dir, 3));
    expect(readTimings(dir).map((t) => t.entry)).toEqual([0, 1, 2, 3]);
    const items = fs.readFileSync(path.join(dir, 'items.jsonl'), 'utf8');
    expect(items).toBe(fs.readFileSync(path.join(runsDir, reference.runId, 'items.jsonl'), 'utf8'));
    expect(a.backend.openRun({ runId: cancelled.runId }).items.map((i) => i.entry)).toEqual([0, 1, 2, 3]);
    expect(() => a.backend.resumeRun({ runId: cancelled.runId })).toThrow(expect.objectContaining({ kind: 'bad-request', message: `run ${cancelled.runId} is finished: all its 4 photos are done` }));
  });

  it('refuses a run it does not know, and anything but a run id', () => {
    expect(() => a.backend.resumeRun({ runId: 'no-such-run' })).toThrow(expect.objectContaining({ kind: 'not-found', message: `no run no-such-run in ${runsDir}` }));
    expect(() => a.backend.resumeRun({ runId: '../runs' })).toThrow(expect.objectContaining({ kind: 'bad-request', message: expect.stringMatching(/^runId: expected a string matching/) }));
    expect(() => a.backend.resumeRun({ runId: cancelled.runId, dir: runsDir })).toThrow(expect.objectContaining({ kind: 'bad-request', message: 'dir: unknown field' }));
  });

  it('refuses a run whose photos were uploaded to a session that has ended, naming the folder', async () => {
    const first = session(runsDir);
    const started = first.backend.batch({ imageIds: await first.upload(), ...BATCH });
    first.cancelAfterFirstImage(started.jobId);
    expect(await first.ended(started.jobId)).toMatchObject({ kind: 'cancelled' });
    await first.backend.close();
    fs.rmSync(first.work, { recursive: true }); // as `borex serve` does when it stops

    const second = session(runsDir);
    expect(second.backend.runs().runs.find((r) => r.runId === started.runId)).toMatchObject({ items: 1, remaining: 3 });
    // Another live process working on the run (a borex batch --resume, another session) comes first.
    const lock = path.join(runsDir, started.runId, 'run.lock');
    fs.writeFileSync(lock, JSON.stringify({ pid: process.ppid, host: os.hostname() }));
    expect(() => second.backend.resumeRun({ runId: started.runId })).toThrow(expect.objectContaining({ kind: 'bad-request', message: `run ${started.runId} is being worked on by process ${process.ppid}; wait for it or stop it first` }));
    fs.rmSync(lock);
    expect(() => second.backend.resumeRun({ runId: started.runId })).toThrow(
      expect.objectContaining({
        kind: 'bad-input',
        message: `cannot resume run ${started.runId}: missing its input folder ${path.join(first.work, 'jobs', started.jobId, 'input')} (photos added to the Batch view one by one are kept only while the session that added them runs)`,
      }),
    );
    expect(second.host.jobs).toEqual([]);
    await second.backend.close();
  });

  it('refuses a run made with a model uploaded to an ended session until that model is opened again', async () => {
    const photos = path.join(tempDir(), 'photos');
    fs.mkdirSync(photos);
    for (const f of PHOTOS) fs.copyFileSync(path.join(SAMPLES, f), path.join(photos, f));
    const openMyModel = async (backend: ApiBackend) => {
      const spec = backend.userModels.stageCompanion(fs.readFileSync(path.join(MODELS, 'shapes-v1.borex.json')), 'my-shapes.borex.json');
      const labels = backend.userModels.stageCompanion(fs.readFileSync(path.join(MODELS, 'shapes-v1.labels.txt')), 'labels.txt');
      return backend.userModels.addUpload(Readable.from([fs.readFileSync(path.join(MODELS, 'shapes-v1.onnx'))]), 'my-shapes.onnx', { spec: spec.id, labels: labels.id });
    };

    const first = session(runsDir);
    const mine = await openMyModel(first.backend);
    const started = first.backend.batch({ folderId: first.backend.addFolder(photos).id, ...BATCH, model: mine.name });
    first.cancelAfterFirstImage(started.jobId);
    expect(await first.ended(started.jobId)).toMatchObject({ kind: 'cancelled' });
    const stored = (first.host.jobs.find((j) => j.kind === 'batch') as { model: { file: string } }).model.file;
    await first.backend.close();
    fs.rmSync(first.work, { recursive: true });

    const second = session(runsDir);
    const sha = JSON.parse(fs.readFileSync(path.join(runsDir, started.runId, 'run.json'), 'utf8')).spec.model.sha256 as string;
    expect(() => second.backend.resumeRun({ runId: started.runId })).toThrow(
      expect.objectContaining({ kind: 'bad-input', message: `cannot resume run ${started.runId}: missing the model it used, my-shapes (${stored}, sha256 ${sha.slice(0, 12)}…); open that .onnx again (Open your own model…), then resume` }),
    );
    const again = await openMyModel(second.backend);
    const resumed = second.backend.resumeRun({ runId: started.runId });
    expect(second.host.jobs.at(-1)).toMatchObject({ kind: 'resume', model: { key: again.name } });
    expect(await second.ended(resumed.jobId)).toMatchObject({ type: 'batch-done', summary: { skipped: 1, processed: 3 } });
    expect(readRunItems(path.join(runsDir, started.runId)).map((r) => r.key)).toEqual(PHOTOS);
    await second.backend.close();
  });
});
