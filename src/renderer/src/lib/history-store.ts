/**
 * The run history on this machine: IndexedDB in the page (Chromium under `borex serve`, Electron's
 * renderer), so that runs and pins survive a reload; nothing leaves the machine. A run is stored with
 * its done event's data (the Float32Array maps are structured-cloneable) and its photo's bytes, kept
 * once per photo, so a run can be shown again after a reload or a server restart. Every failure is
 * thrown as an Error whose message says why (the view shows "history not saved: <reason>").
 */
import type { ImageInfo, JobEvent } from '../../../shared/api.ts';
import type { HistoryEntry } from './run-history.ts';

export interface StoredRun {
  id: string;
  entry: HistoryEntry;
  /** The done event's data, as the view shows it (files name the job's files on the server that made it). */
  done: Extract<JobEvent, { type: 'done' }>;
  image: ImageInfo;
}

export interface StoredPhoto {
  key: string;
  name: string;
  blob: Blob;
}

const DB = 'borex-studio';
const RUNS = 'runs';
const PHOTOS = 'photos';

const reason = (e: unknown) => (e instanceof DOMException ? `${e.name}: ${e.message}` : e instanceof Error ? e.message : String(e));
const wait = <T>(r: IDBRequest<T>) => new Promise<T>((resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(new Error(reason(r.error))))));
const done = (t: IDBTransaction) =>
  new Promise<void>((resolve, reject) => {
    t.oncomplete = () => resolve();
    t.onerror = () => reject(new Error(reason(t.error)));
    t.onabort = () => reject(new Error(reason(t.error ?? 'the write was aborted')));
  });

/** A failed write (a full quota, a closed database) as an Error that names what the browser said. */
async function said(write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (err) {
    throw new Error(reason(err));
  }
}

export class HistoryStore {
  private constructor(private readonly db: IDBDatabase) {}

  static async open(): Promise<HistoryStore> {
    if (typeof indexedDB === 'undefined') throw new Error('this browser keeps no IndexedDB');
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore(RUNS, { keyPath: 'id' });
      req.result.createObjectStore(PHOTOS, { keyPath: 'key' });
    };
    try {
      return new HistoryStore(await wait(req));
    } catch (err) {
      throw new Error(reason(err));
    }
  }

  async runs(): Promise<StoredRun[]> {
    return wait(this.db.transaction(RUNS).objectStore(RUNS).getAll() as IDBRequest<StoredRun[]>);
  }

  async photo(key: string): Promise<StoredPhoto | undefined> {
    return wait(this.db.transaction(PHOTOS).objectStore(PHOTOS).get(key) as IDBRequest<StoredPhoto | undefined>);
  }

  /** Saves a run (and its photo, once), and removes the evicted runs and the photos no run uses any more. */
  async save(run: StoredRun, photo: StoredPhoto | undefined, evicted: readonly string[]): Promise<void> {
    return said(() => this.write(run, photo, evicted));
  }

  private async write(run: StoredRun, photo: StoredPhoto | undefined, evicted: readonly string[]): Promise<void> {
    const t = this.db.transaction([RUNS, PHOTOS], 'readwrite');
    const ended = done(t);
    const runs = t.objectStore(RUNS);
    runs.put(run);
    if (photo) t.objectStore(PHOTOS).put(photo);
    for (const id of evicted) runs.delete(id);
    await ended;
    if (evicted.length) await this.dropUnusedPhotos();
  }

  /** Stores an entry's new pin state. */
  async update(entry: HistoryEntry): Promise<void> {
    return said(() => this.rewrite(entry));
  }

  private async rewrite(entry: HistoryEntry): Promise<void> {
    const t = this.db.transaction(RUNS, 'readwrite');
    const ended = done(t);
    const runs = t.objectStore(RUNS);
    const req = runs.get(entry.id) as IDBRequest<StoredRun | undefined>;
    req.onsuccess = () => {
      if (req.result) runs.put({ ...req.result, entry });
    };
    await ended;
  }

  async remove(ids: readonly string[]): Promise<void> {
    const t = this.db.transaction(RUNS, 'readwrite');
    const ended = done(t);
    for (const id of ids) t.objectStore(RUNS).delete(id);
    await ended;
    await this.dropUnusedPhotos();
  }

  private async dropUnusedPhotos(): Promise<void> {
    const used = new Set((await this.runs()).map((r) => r.entry.made.photo));
    const t = this.db.transaction(PHOTOS, 'readwrite');
    const ended = done(t);
    const keys = (await wait(t.objectStore(PHOTOS).getAllKeys())) as string[];
    for (const k of keys) if (!used.has(k)) t.objectStore(PHOTOS).delete(k);
    await ended;
  }
}

/** A photo's identity: SHA-256 of its bytes (the same photo opened again or re-uploaded is the same). */
export async function photoKey(blob: Blob): Promise<string> {
  const bytes = await blob.arrayBuffer();
  if (!globalThis.crypto?.subtle) return `size:${bytes.byteLength}`;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
