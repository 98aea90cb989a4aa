import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { USER_MODEL_PREFIX, type ModelListing } from '../shared/api.ts';
import { ApiError } from '../shared/errors.ts';
import { isLabelsFile, isModelFile, isSpecFile } from '../shared/model-files.ts';
import { asBorexError, BorexError } from '../engine/errors.ts';
import { sha256File } from '../engine/model/model-store.ts';
import { isClipLayout, type Layout } from '../engine/model/spec.ts';
import type { ModelSource, OpenedModel } from '../engine/worker/protocol.ts';
import type { EngineHost } from '../engine/worker/worker-host.ts';

/** An upload larger than this is refused (the largest ImageNet classifiers are a few hundred MB). */
export const MAX_MODEL_BYTES = 512 << 20;
/** A spec or labels file larger than this is not one. */
export const MAX_COMPANION_BYTES = 4 << 20;

/** "512 MB", or bytes for small limits (tests). */
export const sizeText = (bytes: number) => (bytes >= 1 << 20 ? `${Math.round(bytes / (1 << 20))} MB` : `${bytes} bytes`);
const newId = () => randomBytes(9).toString('base64url');
const safeName = (name: string) => path.basename(name).replace(/[^A-Za-z0-9._ -]+/g, '_').replace(/^\.+/, '_') || 'model';

interface UserModel {
  source: ModelSource;
  listing: ModelListing;
}

/**
 * The user's own models of this session. Each is opened by the engine before it is registered
 * (a file that is not an image classifier is refused with the engine's reason) and is then named
 * in requests as `user:<id>`, like a catalogue model by its name.
 *
 * Serve mode: the .onnx is streamed to the work directory; its spec and labels are uploaded first
 * (`stageCompanion`) and stored beside it, the spec under the sidecar name the engine looks for.
 * App mode: the files stay where they are (paths already re-checked by main).
 */
export class UserModels {
  private readonly models = new Map<string, UserModel>();
  private readonly staged = new Map<string, { file: string; kind: 'spec' | 'labels'; name: string }>();

  constructor(
    private readonly host: EngineHost,
    private readonly workDir: string,
  ) {}

  listings(): ModelListing[] {
    return [...this.models.values()].map((m) => m.listing);
  }

  /** The model a request names, or a bad-request error; undefined for names that are not `user:`. */
  source(ref: string): ModelSource | undefined {
    if (!ref.startsWith(USER_MODEL_PREFIX)) return undefined;
    const model = this.models.get(ref);
    if (!model) throw new ApiError('bad-request', `unknown model "${ref}": no model of this session has that id (open the .onnx again)`);
    return model.source;
  }

  /**
   * A model of this session with this name in results and these bytes (to resume a run made with
   * it: it brings the labels the user chose, which run.json does not record).
   */
  find(modelName: string, sha256: string): ModelSource | undefined {
    for (const m of this.models.values()) {
      if (m.listing.user?.modelName !== modelName || !m.source.file) continue;
      try {
        if (sha256File(m.source.file) === sha256) return m.source;
      } catch {
        /* the file is gone since it was opened: not this one */
      }
    }
    return undefined;
  }

  /** Serve mode: a spec (.json) or labels (.txt) file for the model uploaded next. */
  stageCompanion(bytes: Buffer, name: string): { id: string; name: string; kind: 'spec' | 'labels' } {
    const kind = isSpecFile(name) ? 'spec' : isLabelsFile(name) ? 'labels' : undefined;
    if (!kind) throw new ApiError('bad-input', `${name}: a model's companion is its spec (.borex.json) or its labels (.txt)`);
    if (bytes.length > MAX_COMPANION_BYTES) throw new ApiError('too-large', `${name}: over the ${sizeText(MAX_COMPANION_BYTES)} a spec or labels file may have`);
    if (kind === 'labels' && bytes.includes(0)) throw new ApiError('bad-input', `${name}: not a text file of class names`);
    const id = newId();
    const dir = path.join(this.workDir, 'staged');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, id);
    fs.writeFileSync(file, bytes);
    this.staged.set(id, { file, kind, name: name.slice(0, 200) });
    return { id, name: name.slice(0, 200), kind };
  }

  /**
   * Serve mode: an uploaded .onnx (streamed to disk, at most `limit` bytes) with the staged spec
   * and labels named by id. Nothing is kept if the engine refuses it.
   */
  async addUpload(body: Readable, name: string, companions: { spec?: string; labels?: string }, limit = MAX_MODEL_BYTES): Promise<ModelListing> {
    if (!isModelFile(name)) throw new ApiError('bad-input', `${name}: a model must be an .onnx file`);
    const spec = companions.spec === undefined ? undefined : this.takeStaged(companions.spec, 'spec');
    const labels = companions.labels === undefined ? undefined : this.takeStaged(companions.labels, 'labels');
    const id = newId();
    const dir = path.join(this.workDir, 'models', id);
    fs.mkdirSync(dir, { recursive: true });
    const stem = safeName(name).replace(/\.onnx$/i, '');
    const file = path.join(dir, `${stem}.onnx`);
    // Names in the engine's messages are the stored paths; the user knows the files by their names.
    const shownAs = new Map<string, string>([[file, name]]);
    try {
      await writeLimited(body, file, limit, name);
      if (spec) {
        const sidecar = path.join(dir, `${stem}.borex.json`);
        fs.renameSync(spec.file, sidecar);
        shownAs.set(sidecar, spec.name);
      }
      let labelsFile: string | undefined;
      if (labels) {
        labelsFile = path.join(dir, safeName(labels.name));
        if (labelsFile === file) labelsFile += '.txt';
        fs.renameSync(labels.file, labelsFile);
        shownAs.set(labelsFile, labels.name);
      }
      return await this.open({ key: `${USER_MODEL_PREFIX}${id}`, file, labelsFile }, name, shownAs);
    } catch (err) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** App mode: a model on disk (spec beside it), with an optional labels file; paths re-checked by main. */
  async addPaths(file: string, labelsFile?: string): Promise<ModelListing> {
    if (!isModelFile(file)) throw new ApiError('bad-input', `${file}: a model must be an .onnx file`);
    // The same files opened again replace their entry (and are opened afresh: they may have changed).
    const same = [...this.models.entries()].find(([, m]) => m.source.file === file && m.source.labelsFile === labelsFile);
    const key = same?.[0] ?? `${USER_MODEL_PREFIX}${newId()}`;
    return this.open({ key, file, labelsFile }, path.basename(file), new Map());
  }

  private takeStaged(id: string, kind: 'spec' | 'labels'): { file: string; name: string } {
    const staged = this.staged.get(id);
    if (!staged || staged.kind !== kind) throw new ApiError('bad-request', `${kind}: no uploaded ${kind} file with id ${id}`);
    this.staged.delete(id);
    return staged;
  }

  private async open(source: ModelSource, fileName: string, shownAs: Map<string, string>): Promise<ModelListing> {
    let opened: OpenedModel;
    try {
      opened = (await this.host.run({ kind: 'open-model', model: source }).result) as OpenedModel;
    } catch (err) {
      const e = asBorexError(err);
      throw new BorexError(e.kind, rename(e.message, shownAs));
    }
    const specSource = rename(opened.specSource, shownAs);
    const labels = opened.labelsFile && rename(opened.labelsFile, shownAs);
    const listing: ModelListing = {
      name: source.key,
      description: `${fileName}: ${opened.classes} classes, ${opened.input.width}×${opened.input.height} input (${opened.input.resize}), spec from ${specSource}, ${labels ? `labels from ${labels}` : 'classes shown by index'}`,
      available: true,
      // A clip layout: the Video view lists it, the Explain view does not.
      clip: isClipLayout(opened.input.layout as Layout),
      user: { fileName, modelName: opened.name, classes: opened.classes, input: opened.input, specSource, labels, warnings: opened.warnings.map((w) => rename(w, shownAs)) },
    };
    this.models.set(source.key, { source, listing });
    return listing;
  }
}

function rename(text: string, shownAs: Map<string, string>): string {
  let out = text;
  for (const [stored, name] of shownAs) out = out.split(stored).join(name);
  return out;
}

/**
 * Streams `body` into `file`, refusing (and removing) it past `limit` bytes. The rest of a refused
 * body is read and dropped, so the client still gets the answer (not a reset connection).
 */
export function writeLimited(body: Readable, file: string, limit: number, name: string, what = 'a model upload', sizeOf: (bytes: number) => string = sizeText): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const out = fs.createWriteStream(file);
    let size = 0;
    let ended = false;
    let failed: Error | undefined;
    const fail = (err: Error) => {
      if (failed) return;
      failed = err;
      body.unpipe(out);
      body.resume();
      out.destroy();
    };
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) fail(new ApiError('too-large', `${name}: over the ${sizeOf(limit)} ${what} may have`));
    });
    body.on('end', () => {
      ended = true;
      if (size === 0) fail(new ApiError('bad-input', `${name}: the file is empty`));
      if (failed) reject(failed);
    });
    body.on('close', () => {
      if (!ended) reject(failed ?? new ApiError('bad-request', `${name}: the upload was interrupted`));
    });
    body.on('error', fail);
    out.on('error', fail);
    out.on('finish', () => (failed ? reject(failed) : resolve()));
    body.pipe(out);
  });
}
