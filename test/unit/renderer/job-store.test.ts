/**
 * The UI's one job store (src/renderer/src/lib/job-store.svelte.ts), driven by a fake API: a job's
 * early events are buffered until its id is known, progress fills the running state, and the job's
 * last event (done, failed, cancelled) ends it; a refused start fails it or leaves it as it was.
 */
import { describe, expect, it } from 'vitest';
import { errorText } from '../../../src/renderer/src/lib/error-text.ts';
import { JobStore, type ProgressEvent } from '../../../src/renderer/src/lib/job-store.svelte.ts';
import type { BatchStarted, JobEvent, JobStarted } from '../../../src/shared/api.ts';

type Done = Extract<JobEvent, { type: 'done' }>;
type BatchDone = Extract<JobEvent, { type: 'batch-done' }>;

/** An API whose events the test sends, and which records cancel requests. */
function fakeApi() {
  const listeners = new Set<(e: JobEvent) => void>();
  const cancelled: string[] = [];
  return {
    cancelled,
    listening: () => listeners.size,
    emit: (e: JobEvent) => [...listeners].forEach((l) => l(e)),
    onJobEvent(listener: (e: JobEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async cancel(r: { jobId: string }) {
      cancelled.push(r.jobId);
      return { cancelled: true };
    },
  };
}

/** A start call that returns when the test says so (events can come first). */
function deferredStart<T extends JobStarted = JobStarted>() {
  let resolve!: (v: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { begin: () => promise, resolve, reject };
}

const progress = (jobId: string, over: Partial<ProgressEvent> = {}): ProgressEvent => ({ type: 'progress', jobId, stage: 'rise', done: 1, total: 10, ...over });
const geometry = { photoWidth: 640, photoHeight: 480, resizedWidth: 298, resizedHeight: 224, cropLeft: 37, cropTop: 0, width: 224, height: 224 };
const done = (jobId: string): Done => ({
  type: 'done',
  jobId,
  result: { image: 'dog.jpg', model: { name: 'm', sha256: 'x', input: { height: 224, width: 224, resize: 'stretch' } }, label: { index: 1, name: 'dog', probability: 0.9 }, top5: [], method: 'rise', signed: false, timing: { total_ms: 1, model_ms: 1, gp_ms: 0, model_calls: 1 } },
  map: new Float32Array(4),
  geometry,
  files: ['result.json'],
});
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('job store', () => {
  it('buffers events that arrive before the start call returns, keeps only its own job, and replays them in order', async () => {
    const api = fakeApi();
    const store = new JobStore<Done>(api);
    const start = deferredStart();
    const seen: ProgressEvent[] = [];
    const ended: unknown[] = [];
    const started = store.start(start.begin, { onProgress: (e) => seen.push(e), onEnd: (s) => ended.push(s) });
    expect(store.state).toEqual({ phase: 'running', stage: 'starting', done: 0, total: 1, live: {} });
    expect(store.running).toBe(true);

    api.emit(progress('other', { done: 9 }));
    api.emit(progress('j1', { stage: 'starting', done: 0, total: 1, geometry }));
    api.emit(progress('j1', { done: 3 }));
    expect(seen).toEqual([]); // not yet: which job is ours is unknown
    start.resolve({ jobId: 'j1' });
    expect(await started).toEqual({ ok: true });

    expect(seen.map((e) => [e.jobId, e.stage, e.done])).toEqual([
      ['j1', 'starting', 0],
      ['j1', 'rise', 3],
    ]);
    expect(store.state).toEqual({ phase: 'running', jobId: 'j1', stage: 'rise', done: 3, total: 10, etaMs: undefined, live: { geometry, partialMap: undefined, priorMap: undefined, samples: undefined } });
    expect(ended).toEqual([]);
  });

  it('ends with a done job that arrived before the start call returned, and stops listening', async () => {
    const api = fakeApi();
    const store = new JobStore<Done>(api);
    const start = deferredStart();
    const ended: unknown[] = [];
    const started = store.start(start.begin, { onEnd: (s) => ended.push(s) });
    const result = done('j1');
    api.emit(result);
    start.resolve({ jobId: 'j1' });
    expect(await started).toEqual({ ok: true });
    expect(store.state).toEqual({ phase: 'done', jobId: 'j1', result });
    expect(ended).toEqual([{ phase: 'done', jobId: 'j1', result }]);
    expect(api.listening()).toBe(0);
    expect(store.running).toBe(false);
  });

  it('shows progress: counts, stage and ETA from each event; live maps kept until a newer one comes', async () => {
    const api = fakeApi();
    const store = new JobStore<Done>(api);
    await store.start(async () => ({ jobId: 'j1' }));
    expect(store.state).toEqual({ phase: 'running', jobId: 'j1', stage: 'starting', done: 0, total: 1, live: {} });

    const prior = new Float32Array([1, 2]);
    const first = new Float32Array([3, 4]);
    api.emit(progress('j1', { stage: 'starting', done: 0, total: 1, geometry }));
    api.emit(progress('j1', { stage: 'prior', done: 1, total: 5, etaMs: 4000, priorMap: prior }));
    api.emit(progress('j1', { stage: 'borex', done: 2, total: 5, etaMs: 3000, partialMap: first, samples: [10, 10, 8] }));
    api.emit(progress('j1', { stage: 'borex', done: 3, total: 5 }));
    expect(store.state).toEqual({ phase: 'running', jobId: 'j1', stage: 'borex', done: 3, total: 5, etaMs: undefined, live: { geometry, priorMap: prior, partialMap: first, samples: [10, 10, 8] } });

    const next = new Float32Array([5, 6]);
    api.emit(progress('j1', { stage: 'borex', done: 4, total: 5, partialMap: next }));
    expect(store.state.phase === 'running' && store.state.live.partialMap).toBe(next);
  });

  it("keeps the count it started with through the worker's 'starting' announcements (a batch's photos)", async () => {
    const api = fakeApi();
    const store = new JobStore<BatchDone>(api);
    const seen: ProgressEvent[] = [];
    await store.start(async (): Promise<BatchStarted> => ({ jobId: 'b1', runId: 'run-1' }), { total: 6, onProgress: (e) => seen.push(e) });
    api.emit(progress('b1', { stage: 'starting', done: 0, total: 1, entries: ['a.jpg', 'b.jpg'] }));
    expect(store.state).toEqual({ phase: 'running', jobId: 'b1', stage: 'starting', done: 0, total: 6, live: { geometry: undefined, partialMap: undefined, priorMap: undefined, samples: undefined } });
    expect(seen[0].entries).toEqual(['a.jpg', 'b.jpg']);
    api.emit(progress('b1', { stage: 'batch', done: 2, total: 6, etaMs: 9000 }));
    expect(store.state).toMatchObject({ phase: 'running', stage: 'batch', done: 2, total: 6, etaMs: 9000 });

    const summary = { entries: 6, skipped: 0, processed: 6, ok: 5, failed: 1, noItem: 0, elapsedMs: 1200 };
    const result: BatchDone = { type: 'batch-done', jobId: 'b1', methods: ['rise'], summary };
    api.emit(result);
    expect(store.state).toEqual({ phase: 'done', jobId: 'b1', result });
  });

  it('fails with the engine\'s message as the error text', async () => {
    const api = fakeApi();
    const store = new JobStore<Done>(api);
    const ended: unknown[] = [];
    await store.start(async () => ({ jobId: 'j1' }), { onEnd: (s) => ended.push(s) });
    api.emit({ type: 'failed', jobId: 'j1', kind: 'model', message: 'the model gave NaN scores' });
    expect(store.state).toEqual({ phase: 'failed', jobId: 'j1', error: 'the model gave NaN scores' });
    expect(ended).toEqual([{ phase: 'failed', jobId: 'j1', error: 'the model gave NaN scores' }]);
    api.emit(progress('j1')); // nothing after the last event
    expect(store.state.phase).toBe('failed');
    expect(api.listening()).toBe(0);
  });

  it('cancels: asks the API to stop the job, and ends as cancelled (no error) on its cancelled event', async () => {
    const api = fakeApi();
    const store = new JobStore<Done>(api);
    const start = deferredStart();
    const started = store.start(start.begin);
    store.cancel(); // the id is not known yet: nothing to ask
    expect(api.cancelled).toEqual([]);
    start.resolve({ jobId: 'j1' });
    await started;
    store.cancel();
    expect(api.cancelled).toEqual(['j1']);
    api.emit({ type: 'failed', jobId: 'j1', kind: 'cancelled', message: 'cancelled' });
    expect(store.state).toEqual({ phase: 'cancelled', jobId: 'j1' });
    store.cancel(); // over: nothing to ask
    expect(api.cancelled).toEqual(['j1']);
  });

  it('fails when the start call is refused, with its reason; or, if asked, stays as it was', async () => {
    const api = fakeApi();
    const store = new JobStore<Done>(api);
    const ended: unknown[] = [];
    expect(await store.start(() => Promise.reject(new Error('the run\'s photos are gone')), { onEnd: (s) => ended.push(s) })).toEqual({ ok: false, error: "the run's photos are gone" });
    expect(store.state).toEqual({ phase: 'failed', error: "the run's photos are gone" });
    expect(ended).toEqual([]);
    expect(api.listening()).toBe(0);

    await store.start(async () => ({ jobId: 'j2' }));
    api.emit({ type: 'failed', jobId: 'j2', kind: 'cancelled', message: 'cancelled' });
    const start = deferredStart();
    const refused = store.start(start.begin, { keepStateIfRefused: true });
    expect(store.state.phase).toBe('running');
    start.reject('busy');
    expect(await refused).toEqual({ ok: false, error: 'busy' });
    expect(store.state).toEqual({ phase: 'cancelled', jobId: 'j2' });
  });

  it('starts one job at a time; reset forgets a finished job but not a running one', async () => {
    const api = fakeApi();
    const store = new JobStore<Done>(api);
    await store.start(async () => ({ jobId: 'j1' }));
    await expect(store.start(async () => ({ jobId: 'j2' }))).rejects.toThrow('a job is already running');
    store.reset();
    expect(store.state).toMatchObject({ phase: 'running', jobId: 'j1' });
    api.emit(done('j1'));
    await tick();
    store.reset();
    expect(store.state).toEqual({ phase: 'idle' });
  });
});

describe('error text', () => {
  it('is the message of an error, a failed event, or the thrown value itself', () => {
    expect(errorText(new Error('no such model'))).toBe('no such model');
    expect(errorText({ type: 'failed', jobId: 'j', kind: 'bad-input', message: 'not an image' })).toBe('not an image');
    expect(errorText('busy')).toBe('busy');
    expect(errorText(undefined)).toBe('undefined');
  });
});
