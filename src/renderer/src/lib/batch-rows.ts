import { BATCH_METHOD_CHOICES, type BatchCheckModifier, type BatchItem, type ImageInfo, type RunListing } from '../../../shared/api.ts';
import type { RunSettings } from '../../../shared/run-item.ts';

/**
 * The Batch view's queue and results table: one row per image. An image can have several items
 * (a VOC image explains each class it holds, in one item each); its row collects them all and is
 * done once every item is in, failed if any failed. Rows are matched to items by the image's index
 * in the run (`entry`), which the batch reports first (`entries`) and every item carries.
 */
export type RowState = 'uploading' | 'queued' | 'running' | 'done' | 'failed';

export interface BatchRow {
  name: string;
  /** A photo opened for a new batch (absent for rows of a run on disk). */
  image?: ImageInfo;
  /** The image's index in the run, once the run has listed its images. */
  entry?: number;
  state: RowState;
  items: BatchItem[];
  note?: string;
  /** The photo's content digest: the same photo added again is not queued a second time. */
  digest?: string;
  /** Its VOC annotation (from a VOC folder chosen in a browser): the batch scores it against these boxes. */
  annotation?: { name: string; xml: string };
  /** Part of the batch job now running: one such row is running, the others wait as queued. */
  inJob?: boolean;
  /** Its name in the run (BatchStarted.inputs): what matches it to the run's entries. */
  runName?: string;
  /** A thumbnail made from the user's own file as it was added (an object URL): shown before the photo runs. */
  preview?: string;
}

/** The thumbnail a row shows: the run's (runThumbnails, by the photo's name in the run), else the one made from the file when it was queued. */
export const thumbnailOf = (row: BatchRow, thumbnails: Readonly<Record<string, string>>): string | undefined => (row.items[0] && thumbnails[row.items[0].image]) || row.preview;

/** An image's state from its items: running until all `parts` are in; then failed if any failed. */
export function imageState(items: readonly BatchItem[]): 'running' | 'done' | 'failed' {
  if (items.length === 0 || items.length < items[0].parts) return 'running';
  return items.some((i) => i.status === 'failed') ? 'failed' : 'done';
}

/** Why an image's items failed or have no item (each reason once). */
const noteOf = (items: readonly BatchItem[]) => [...new Set(items.map((i) => i.note).filter((n): n is string => !!n))].join('; ') || undefined;

/** The row with these items (in the order the run reports them: the image's items in turn). */
function withItems(row: BatchRow, items: BatchItem[]): BatchRow {
  return { ...row, entry: items[0]?.entry ?? row.entry, items, state: imageState(items), note: noteOf(items) };
}

/** A run's finished items as rows, one per image, in run order. */
export function rowsFromItems(items: readonly BatchItem[]): BatchRow[] {
  const byEntry = new Map<number, BatchItem[]>();
  for (const item of items) byEntry.set(item.entry, [...(byEntry.get(item.entry) ?? []), item]);
  return [...byEntry.values()].sort((a, b) => a[0].entry - b[0].entry).map((list) => withItems({ name: list[0].image, state: 'running', items: [] }, list));
}

/** A run's images in run order, all still to do: the queue of a resumed run before its items arrive. */
export function rowsForRun(entries: readonly string[]): BatchRow[] {
  return entries.map((name, entry) => ({ name, entry, state: 'queued', inJob: true, items: [] }));
}

/** The job's rows (in the order their photos were sent) get the names the run gave them. */
export function nameRows(rows: readonly BatchRow[], inputs: readonly string[]): BatchRow[] {
  let k = 0;
  return rows.map((r) => (r.inJob ? { ...r, runName: inputs[k++] } : r));
}

const waiting = (r: BatchRow) => r.inJob === true && (r.state === 'queued' || r.state === 'running');

/**
 * A batch runs its photos one at a time in run order: the first unfinished row of the job is
 * running, the rest of the job's unfinished rows are queued (not all "running" at once).
 */
export function markCurrent(rows: readonly BatchRow[]): BatchRow[] {
  let current: BatchRow | undefined;
  for (const r of rows) if (waiting(r) && r.entry !== undefined && (current === undefined || r.entry < current.entry!)) current = r;
  return rows.map((r) => (waiting(r) ? { ...r, state: r === current ? 'running' : 'queued' } : r));
}

/** The job ended (done, cancelled, failed, refused): its unfinished rows go back to the queue. */
export function endJob(rows: readonly BatchRow[]): BatchRow[] {
  return rows.map((r) => (r.inJob ? { ...r, inJob: false, state: r.state === 'running' ? 'queued' : r.state } : r));
}

/** The batch links photos under their own names (unsafe characters replaced): compare by stem. */
export const fileKey = (name: string) => name.replace(/\.[^.]+$/, '').replace(/[^A-Za-z0-9._ -]+/g, '_');

/**
 * The job's rows given their index in the run: by the name the run gave each (`runName`, exact:
 * the same photo name twice gets two names), else — a server that did not say — by the name the
 * run lists or the name the batch linked the photo under. Rows the run does not list keep no index.
 */
export function assignEntries(rows: readonly BatchRow[], entries: readonly string[]): BatchRow[] {
  const out = rows.map((r) => ({ ...r }));
  const index = new Map(entries.map((name, entry) => [name, entry]));
  const taken = new Set<number>();
  for (const r of out) {
    const entry = r.inJob && r.runName !== undefined ? index.get(r.runName) : undefined;
    if (entry !== undefined && !taken.has(entry)) {
      r.entry = entry;
      taken.add(entry);
    }
  }
  entries.forEach((name, entry) => {
    if (taken.has(entry)) return;
    const free = (r: BatchRow) => r.inJob === true && r.runName === undefined && r.entry === undefined;
    const row = out.find((r) => free(r) && r.name === name) ?? out.find((r) => free(r) && fileKey(r.name) === fileKey(name));
    if (row) row.entry = entry;
  });
  return markCurrent(out);
}

/**
 * Items just finished, added to their image's row (an item already there is replaced, never
 * doubled). An item whose image has no row gets one: nothing the run reports is dropped.
 */
export function addItems(rows: readonly BatchRow[], items: readonly BatchItem[]): BatchRow[] {
  const out = [...rows];
  for (const item of items) {
    const i = out.findIndex((r) => r.entry === item.entry);
    if (i < 0) {
      out.push(withItems({ name: item.image, state: 'running', items: [] }, [item]));
      continue;
    }
    const known = out[i].items.findIndex((x) => x.key === item.key);
    out[i] = withItems(out[i], known < 0 ? [...out[i].items, item] : out[i].items.map((x, k) => (k === known ? item : x)));
  }
  return markCurrent(out);
}

/** The status cell: the state, how many items when an image has several, and why it failed. */
export function statusText(row: BatchRow): string {
  const parts = row.items[0]?.parts ?? 1;
  const count = parts > 1 ? (row.items.length < parts ? ` · ${row.items.length}/${parts} items` : ` · ${parts} items`) : '';
  return `${row.state}${count}${row.note ? `: ${row.note}` : ''}`;
}

/** The mean of one metric of one method over every item of every row (the pointing game: its hit rate). */
export function meanOf(rows: readonly BatchRow[], method: string, metric: 'insertion' | 'deletion' | 'fRp' | 'pointingGame'): number | undefined {
  const values = rows
    .flatMap((r) => r.items.map((i) => i.methods[method]?.[metric]))
    .filter((v): v is number | boolean => v !== undefined)
    .map(Number);
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : undefined;
}

/** Whether any item has scores against boxes (F, pointing game): the table shows them then. */
export const hasBoxScores = (rows: readonly BatchRow[]) => rows.some((r) => r.items.some((i) => Object.values(i.methods).some((m) => m.fRp !== undefined)));

/**
 * The table's method columns in one order, whatever listed them (the methods ticked, a finished
 * batch, a run reopened from disk, whose run.json may list them in any order): the order of the
 * choices, then methods this build does not offer, in their own order.
 */
export function methodOrder(methods: readonly string[]): string[] {
  const rank = (m: string) => {
    const i = (BATCH_METHOD_CHOICES as readonly string[]).indexOf(m);
    return i < 0 ? BATCH_METHOD_CHOICES.length : i;
  };
  return [...new Set(methods)].map((m, i) => ({ m, i })).sort((a, b) => rank(a.m) - rank(b.m) || a.i - b.i).map((x) => x.m);
}

/** A reopened run's settings in words (its sidebar line). */
export function settingsText(s: RunSettings): string {
  const parts = [
    s.model,
    methodOrder(s.methods).join(', '),
    s.preset ? `preset ${s.preset}` : '',
    s.masks !== undefined ? `${s.masks} masks` : '',
    s.iterations !== undefined ? `${s.iterations} BOREx iterations` : '',
    s.baseline ? `baseline ${s.baseline}` : '',
    s.classMap ? `VOC class map ${s.classMap}` : '',
    s.maps === 'none' ? 'no maps kept' : '',
  ];
  return `Made with ${parts.filter(Boolean).join(' · ')}.`;
}

/**
 * A run as the Past runs list names it, in words: when it was made, how many photos, which
 * methods ("2 Dec 2026, 04:12 · 5 photos · rise, borex:rise"); the run id stays its tooltip.
 * `when` formats the date (the page's locale; fixed in tests).
 */
export function runTitle(r: Pick<RunListing, 'created' | 'entries' | 'methods'>, when: (d: Date) => string, medium: 'photos' | 'videos' = 'photos'): string {
  const d = new Date(r.created);
  const date = Number.isNaN(d.getTime()) ? r.created : when(d);
  const things = r.entries === 1 ? medium.slice(0, -1) : medium;
  return `${date} · ${r.entries} ${things} · ${methodOrder(r.methods).join(', ')}`;
}

/** What the Batch view's "BOREx with options" row asks for. */
export interface BorexModifiers {
  prior: 'rise' | 'pn-rise' | 'gradcampp' | 'none';
  learned: boolean;
  /** The prior added after the aggregate (+pa). */
  priorAfter: boolean;
  rects: boolean;
  /** A deletion-check modifier (+check, +check-heads, …, +no-check: BATCH_CHECK_MODIFIER_CHOICES), or '' for the preset's. */
  check: BatchCheckModifier | '';
  /** Query points per GP round as typed ('' or 1: none). */
  q: string;
}

/**
 * The batch method id of those choices, in the engine's normal order (+learned, +rects, +pa, +check, +qN
 * last: jobs/batch-methods.ts), so the id is the one the run's results carry. It is only built
 * here; the server checks it with the engine's parser (a +q out of 2–64 is refused in its words).
 */
export function borexMethodId(m: BorexModifiers): string {
  const q = m.q.trim();
  return `borex:${m.prior}${m.learned ? '+learned' : ''}${m.rects ? '+rects' : ''}${m.priorAfter ? '+pa' : ''}${m.check ? `+${m.check}` : ''}${q && q !== '1' ? `+q${q}` : ''}`;
}
