/**
 * The Batch view's words and orders (issue 13, findings 11 and 14), DOM-free: method columns in one
 * order whatever listed them, a past run named by date, photo count and methods, a reopened run's
 * settings in a line, the thumbnail a row shows, and the tab bar's line for a running job.
 */
import { describe, expect, it } from 'vitest';
import { methodOrder, runTitle, settingsText, thumbnailOf, type BatchRow } from '../../../src/renderer/src/lib/batch-rows.ts';
import { describeJob, runningJobs, trackJob, type Followed } from '../../../src/renderer/src/lib/running-jobs.svelte.ts';
import type { BatchItem } from '../../../src/shared/api.ts';

describe('batch words', () => {
  it('method columns keep the choices’ order, whatever order a run lists them in; unknown ids after', () => {
    expect(methodOrder(['borex:rise', 'rise'])).toEqual(['rise', 'borex:rise']);
    expect(methodOrder(['bo', 'borex:gradcampp', 'gradcampp', 'rise'])).toEqual(['rise', 'gradcampp', 'borex:gradcampp', 'bo']);
    expect(methodOrder(['borex:rise+rects', 'rise', 'borex:rise+pa', 'rise'])).toEqual(['rise', 'borex:rise+rects', 'borex:rise+pa']);
  });

  it('a past run is named in words: date, photo count, methods', () => {
    const when = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');
    expect(runTitle({ created: '2026-12-02T04:12:33.000Z', entries: 5, methods: ['borex:rise', 'rise'] }, when)).toBe('2026-12-02 04:12 · 5 photos · rise, borex:rise');
    expect(runTitle({ created: '2026-12-02T04:12:33.000Z', entries: 1, methods: ['rise'] }, when, 'videos')).toBe('2026-12-02 04:12 · 1 video · rise');
    expect(runTitle({ created: 'not a date', entries: 2, methods: ['rise'] }, when)).toBe('not a date · 2 photos · rise');
  });

  it('a reopened run’s settings in one line', () => {
    expect(settingsText({ model: 'mobilenetv2-12-int8', methods: ['borex:rise', 'rise'], preset: 'paper', masks: 1000, iterations: 50, baseline: 'mean', classMap: 'voc_imagenet_map.txt', maps: 'npy', medium: 'photo' })).toBe(
      'Made with mobilenetv2-12-int8 · rise, borex:rise · preset paper · 1000 masks · 50 BOREx iterations · baseline mean · VOC class map voc_imagenet_map.txt.',
    );
    expect(settingsText({ model: 'shapes-v1', methods: ['gradcam'], maps: 'none', medium: 'photo' })).toBe('Made with shapes-v1 · gradcam · no maps kept.');
  });

  it('a row shows the run’s thumbnail once it has one, the one made from the file before', () => {
    const item = { key: 'a.png', image: 'a-2.png', entry: 0, parts: 1, status: 'ok', methods: {} } as unknown as BatchItem;
    const queued: BatchRow = { name: 'a.png', state: 'queued', items: [], preview: 'blob:x' };
    expect(thumbnailOf(queued, { 'a-2.png': 'data:run' })).toBe('blob:x');
    expect(thumbnailOf({ ...queued, state: 'done', items: [item] }, { 'a-2.png': 'data:run' })).toBe('data:run');
    expect(thumbnailOf({ ...queued, state: 'done', items: [item] }, {})).toBe('blob:x');
    expect(thumbnailOf({ name: 'b.png', state: 'done', items: [] }, {})).toBeUndefined();
  });

  it('the tab bar’s line for a running job, and only running jobs listed', () => {
    const eta = (ms: number | undefined) => (ms === undefined ? '' : `about ${Math.ceil(ms / 1000)} s left`);
    expect(describeJob('Batch', { stage: 'rise', done: 3, total: 10, etaMs: 11_200 }, 'photos', eta)).toEqual({ text: 'Batch: 3/10 photos · about 12 s left', fraction: 0.3 });
    expect(describeJob('Explain', { stage: 'borex', done: 12, total: 50 }, undefined, eta)).toEqual({ text: 'Explain: borex 12/50', fraction: 0.24 });
    expect(describeJob('Video', { stage: 'starting', done: 0, total: 1 })).toEqual({ text: 'Video: starting', fraction: 0 });
    const running: Followed = { state: { phase: 'running', stage: 'rise', done: 1, total: 2, live: {} } };
    const idle: Followed = { state: { phase: 'idle' } };
    const off = [trackJob(idle, 'explain', 'Explain'), trackJob(running, 'batch', 'Batch', 'photos')];
    expect(runningJobs()).toEqual([{ tab: 'batch', what: 'Batch', text: 'Batch: 1/2 photos', fraction: 0.5 }]);
    off.forEach((f) => f());
    expect(runningJobs()).toEqual([]);
  });
});
