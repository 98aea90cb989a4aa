/**
 * The Batch view's rows (src/renderer/src/lib/batch-rows.ts): one row per image, whatever number
 * of items the image has. A VOC image holding several classes is explained once per class; its row
 * must show all of them, not only the first.
 */
import { describe, expect, it } from 'vitest';
import { addItems, assignEntries, endJob, imageState, meanOf, nameRows, rowsForRun, rowsFromItems, statusText, type BatchRow } from '../../../src/renderer/src/lib/batch-rows.ts';
import type { BatchItem } from '../../../src/shared/api.ts';

const item = (image: string, entry: number, parts: number, cls: string | undefined, status: BatchItem['status'], insertion?: number, note?: string): BatchItem => ({
  key: cls ? `${image}#${cls}` : image,
  image,
  entry,
  parts,
  status,
  label: cls,
  note,
  methods: insertion === undefined ? {} : { rise: { status: 'ok', insertion, deletion: insertion / 10 } },
});

/** A VOC image with a dog and a cat (two items), and one with a person only (no item). */
const dog = item('JPEGImages/2008_000001.jpg', 0, 2, 'dog', 'ok', 0.6);
const cat = item('JPEGImages/2008_000001.jpg', 0, 2, 'cat', 'ok', 0.8);
const person = item('JPEGImages/2008_000002.jpg', 1, 1, undefined, 'no-item', undefined, 'no class of the image is among the top 10');

/** Rows of the batch job that has just started (they wait as queued until the run reaches them). */
const queued = (...names: string[]): BatchRow[] => names.map((name) => ({ name, state: 'queued', inJob: true, items: [] }));

describe('batch rows', () => {
  it('keeps every item of an image with several classes in its one row, done once all are in', () => {
    let rows = assignEntries(queued('JPEGImages/2008_000001.jpg', 'JPEGImages/2008_000002.jpg'), ['JPEGImages/2008_000001.jpg', 'JPEGImages/2008_000002.jpg']);
    expect(rows.map((r) => r.entry)).toEqual([0, 1]);
    rows = addItems(rows, [dog]);
    expect(rows[0]).toMatchObject({ state: 'running', items: [dog] });
    expect(statusText(rows[0])).toBe('running · 1/2 items');
    rows = addItems(rows, [cat, person]);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ state: 'done', items: [dog, cat] });
    expect(statusText(rows[0])).toBe('done · 2 items');
    expect(rows[1]).toMatchObject({ state: 'done', items: [person], note: 'no class of the image is among the top 10' });
    expect(statusText(rows[1])).toBe('done: no class of the image is among the top 10');
    // The means are over items: both classes of the first image count.
    expect(meanOf(rows, 'rise', 'insertion')).toBeCloseTo(0.7, 12);
  });

  it('marks an image failed when any of its items failed, and never doubles an item reported twice', () => {
    const failed = item('a.jpg', 0, 2, 'cat', 'failed', undefined, 'the saliency map contains NaN or Inf');
    let rows = addItems(assignEntries(queued('a.jpg'), ['a.jpg']), [item('a.jpg', 0, 2, 'dog', 'ok', 0.5), failed]);
    expect(rows[0].state).toBe('failed');
    expect(statusText(rows[0])).toBe('failed · 2 items: the saliency map contains NaN or Inf');
    rows = addItems(rows, [failed]);
    expect(rows[0].items).toHaveLength(2);
    expect(imageState([])).toBe('running');
  });

  it('matches queued photos to the run by the name the batch linked them under', () => {
    const rows = assignEntries(queued('my dog (1).jpg', 'cat.jpeg'), ['cat.jpg', 'my dog _1_.jpg']);
    expect(rows.map((r) => [r.name, r.entry])).toEqual([
      ['my dog (1).jpg', 1],
      ['cat.jpeg', 0],
    ]);
    // An item whose image has no row gets one: nothing reported is dropped.
    expect(addItems(rows, [item('other.jpg', 2, 1, undefined, 'ok', 0.1)]).map((r) => r.name)).toEqual(['my dog (1).jpg', 'cat.jpeg', 'other.jpg']);
  });

  it('shows a run from disk one row per image, in run order', () => {
    const rows = rowsFromItems([person, dog, cat]);
    expect(rows.map((r) => [r.name, r.entry, r.state, r.items.length])).toEqual([
      ['JPEGImages/2008_000001.jpg', 0, 'done', 2],
      ['JPEGImages/2008_000002.jpg', 1, 'done', 1],
    ]);
  });

  it('queues a resumed run as its own list of images, the finished ones filled in', () => {
    const rows = addItems(rowsForRun(['JPEGImages/2008_000001.jpg', 'JPEGImages/2008_000002.jpg', 'c.jpg']), [dog, cat]);
    expect(rows.map((r) => [r.name, r.entry, r.state])).toEqual([
      ['JPEGImages/2008_000001.jpg', 0, 'done'],
      ['JPEGImages/2008_000002.jpg', 1, 'running'],
      ['c.jpg', 2, 'queued'],
    ]);
  });

  it('runs one photo at a time: the first unfinished one is running, the rest say queued', () => {
    let rows = assignEntries(queued('b.jpg', 'a.jpg', 'c.jpg'), ['a.jpg', 'b.jpg', 'c.jpg']);
    expect(rows.map((r) => [r.name, r.entry, r.state])).toEqual([
      ['b.jpg', 1, 'queued'],
      ['a.jpg', 0, 'running'],
      ['c.jpg', 2, 'queued'],
    ]);
    rows = addItems(rows, [item('a.jpg', 0, 1, undefined, 'ok', 0.5)]);
    expect(rows.map((r) => r.state)).toEqual(['running', 'done', 'queued']);
    // Cancelled here: the one in flight goes back to the queue with the rest.
    rows = endJob(rows);
    expect(rows.map((r) => [r.state, r.inJob])).toEqual([
      ['queued', false],
      ['done', false],
      ['queued', false],
    ]);
  });

  it('the same photo name twice: one row each, matched by the names the run gave them, means over each once', () => {
    // The server linked the second 2007_000027.jpg as 2007_000027-2.jpg and said so (BatchStarted.inputs).
    let rows = nameRows(queued('2007_000027.jpg', '2007_000032.jpg', '2007_000027.jpg'), ['2007_000027.jpg', '2007_000032.jpg', '2007_000027-2.jpg']);
    const entries = ['2007_000027-2.jpg', '2007_000027.jpg', '2007_000032.jpg']; // the run's order: by name
    rows = assignEntries(rows, entries);
    expect(rows.map((r) => r.entry)).toEqual([1, 2, 0]);
    expect(rows.map((r) => r.state)).toEqual(['queued', 'queued', 'running']);
    rows = addItems(rows, entries.map((e, i) => item(e, i, 1, undefined, 'ok', [0.2, 0.4, 0.9][i])));
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => r.state)).toEqual(['done', 'done', 'done']);
    expect(rows.map((r) => r.items[0].methods.rise.insertion)).toEqual([0.4, 0.9, 0.2]);
    expect(meanOf(rows, 'rise', 'insertion')).toBeCloseTo(0.5, 12);
  });
});
