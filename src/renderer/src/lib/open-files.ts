import type { ModelListing } from '../../../shared/api.ts';
import { extensionOf, OPENABLE_IMAGE_EXTENSIONS } from '../../../shared/media.ts';
import { isLabelsFile, isModelFile, isSpecFile } from '../../../shared/model-files.ts';

/** What a set of chosen or dropped files is, so each part goes to the view that opens it. */
export interface SortedFiles {
  /** An .onnx with its spec (.json) and labels (.txt): empty unless an .onnx is among them. */
  model: File[];
  images: File[];
  annotations: File[];
  /** Dropped folders (with their entries, which a browser can read). */
  folders: { file: File | null; entry: FileSystemDirectoryEntry }[];
  /** Nothing the app opens. */
  other: File[];
}

/** A photo the user may open (one by one or queued for a batch), by its name. */
export const isImage = (name: string) => OPENABLE_IMAGE_EXTENSIONS.includes(extensionOf(name));

export function sortFiles(files: readonly File[], folders: SortedFiles['folders'] = []): SortedFiles {
  const hasModel = files.some((f) => isModelFile(f.name));
  // A .json or .txt goes with a model only when one came with it (a lone .json may be a prior map).
  const partOfModel = (f: File) => isModelFile(f.name) || (hasModel && (isSpecFile(f.name) || isLabelsFile(f.name)));
  return {
    model: files.filter(partOfModel),
    images: files.filter((f) => !partOfModel(f) && isImage(f.name)),
    annotations: files.filter((f) => /\.xml$/i.test(f.name)),
    folders,
    other: files.filter((f) => !partOfModel(f) && !isImage(f.name) && !/\.xml$/i.test(f.name)),
  };
}

/** The files and folders of a drop; must run inside the drop event (the items vanish after it). */
export function droppedFiles(data: DataTransfer | null): SortedFiles {
  const files: File[] = [];
  const folders: SortedFiles['folders'] = [];
  for (const item of Array.from(data?.items ?? [])) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry();
    const file = item.getAsFile();
    if (entry?.isDirectory) folders.push({ file, entry: entry as FileSystemDirectoryEntry });
    else if (file) files.push(file);
  }
  return sortFiles(files, folders);
}

/**
 * A dropped folder's photos (not its subfolders, as `borex batch` lists a folder), in a browser; a
 * PASCAL VOC root gives the photos of JPEGImages/ and the XMLs of Annotations/, as `borex batch` reads one.
 */
export async function folderPhotos(folder: FileSystemDirectoryEntry): Promise<File[]> {
  const entries = await entriesOf(folder);
  const voc = await vocRootFiles(new Map(entries.map((e) => [e.name, e])));
  if (voc) return voc;
  const photos = entries.filter((e): e is FileSystemFileEntry => e.isFile && isImage(e.name));
  return Promise.all(photos.map((e) => new Promise<File>((resolve, reject) => e.file(resolve, reject))));
}

/** How the model pickers name a model: a user's by its file, a catalogue model by its name. */
export function modelLabel(m: ModelListing): string {
  if (m.user) return `${m.user.fileName} (your model)`;
  return m.available ? m.name : `${m.name} (not on this machine)`;
}

/**
 * A file's content digest (SHA-256, hex): the same photo chosen twice is the same bytes whatever
 * folder it came from. Without WebCrypto (not a secure context) its name, size and date stand in.
 */
export async function fileDigest(file: File): Promise<string> {
  if (!globalThis.crypto?.subtle) return `${file.name}:${file.size}:${file.lastModified}`;
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
  return Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A file's path inside a chosen folder (webkitdirectory), else its name. */
export const relativePath = (f: File) => (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name;

/** A dropped PASCAL VOC root (JPEGImages/ + Annotations/): its photos and their XML annotations. */
async function vocRootFiles(names: Map<string, FileSystemEntry>): Promise<File[] | undefined> {
  const photos = names.get('JPEGImages');
  const notes = names.get('Annotations');
  if (!photos?.isDirectory || !notes?.isDirectory) return undefined;
  return [...(await filesOf(photos as FileSystemDirectoryEntry, isImage)), ...(await filesOf(notes as FileSystemDirectoryEntry, (n) => /\.xml$/i.test(n)))];
}

async function entriesOf(folder: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = folder.createReader();
  const entries: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    entries.push(...batch);
  }
  return entries;
}

async function filesOf(folder: FileSystemDirectoryEntry, wanted: (name: string) => boolean): Promise<File[]> {
  const files = (await entriesOf(folder)).filter((e): e is FileSystemFileEntry => e.isFile && wanted(e.name));
  // webkitRelativePath is read-only and empty for dropped files: the folder travels in a wrapper name.
  return Promise.all(files.map((e) => new Promise<File>((resolve, reject) => e.file((f) => resolve(withPath(f, `${folder.name}/${f.name}`)), reject))));
}

/** The file with the path it had in a dropped folder (what pairAnnotations reads). */
function withPath(f: File, p: string): File {
  Object.defineProperty(f, 'webkitRelativePath', { value: p });
  return f;
}
