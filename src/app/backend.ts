import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import sharp, { type Metadata } from 'sharp';
import {
  API_VERSION,
  batchRequest,
  classifyRequest,
  explainRequest,
  explainVideoRequest,
  exportVideoRequest,
  fileRequest,
  videoRequest,
  jobRequest,
  METHOD_CHOICES,
  resumeRunRequest,
  runRequest,
  PRESET_CHOICES,
  PRIOR_CHOICES,
  type AppInfo,
  type BatchStarted,
  type ClassEntry,
  type ClassifyResponse,
  type ImageInfo,
  type JobEvent,
  type JobStarted,
  type ModelListing,
  type OpenedFolder,
  type RunComparison,
  type OpenedTube,
  type OpenedVideo,
  type RunListing,
} from '../shared/api.ts';
import { decodeImage, overPixelLimit } from '../engine/image/decode.ts';
import { inlineMapBytes, videoDoneEvent } from './video-done.ts';
import { listBatchInput } from '../engine/jobs/batch-input.ts';
import { planResume, recordedModel, remainingEntries } from '../engine/jobs/batch-resume.ts';
import { lockHolder, readRunItems, readRunManifest, type RunManifest } from '../engine/jobs/run-store.ts';
import { compareRuns, loadRuns, paperPairs } from '../engine/jobs/compare.ts';
import { batchItem } from '../engine/worker/batch-item.ts';
import { findRunModel } from './run-model.ts';
import { runGeometry, runItemMethods, runItemRecord, runPhotoFile, runSettings, runThumbnails, writeRunItemFiles } from './run-item.ts';
import { runItemRequest, runThumbnailsRequest, type OpenedRunItem, type ReopenedRun, type RunThumbnails } from '../shared/run-item.ts';
import { probeVideoMedia } from './probe-video.ts';
import { ApiError } from '../shared/errors.ts';
import type { FileInput } from '../shared/calls.ts';
import { imageMime, isPriorMapFile, mediaKindOf, OPENABLE_IMAGE_FORMATS, PRIOR_MAP_EXTENSIONS, type MediaInfo } from '../shared/media.ts';
import { asBorexError } from '../engine/errors.ts';
import { borexParamsFor, riseParamsFor } from '../engine/methods/config.ts';
import { readPriorFile } from '../engine/methods/imported-prior.ts';
import { parseMethodId } from '../engine/jobs/batch-methods.ts';
import { CATALOGUE, DEFAULT_MODEL } from '../engine/model/catalogue.ts';
import { resolveModel } from '../engine/model/model-store.ts';
import { isClipSpec } from '../engine/model/spec.ts';
import { versions } from '../engine/versions.ts';
import type { ExportSource, HostJob, ModelSource } from '../engine/worker/protocol.ts';
import type { BatchDone, ExplainDone, ExportDone, ProxyDone, VideoExplainDone } from '../shared/api.ts';
import { UserModels } from './user-models.ts';
import { SessionVideos } from './videos.ts';
import type { EngineHost } from '../engine/worker/worker-host.ts';

const newId = () => randomBytes(9).toString('base64url');

export interface BackendOptions {
  /** Batch runs are written to, and past runs read from, this directory (default: inside workDir). */
  runsDir?: string;
  /** The environment catalogue models are looked up in (the app's model directory setting). */
  modelEnv?: () => NodeJS.ProcessEnv;
  /** Maps of a video-done event past this many float32 bytes are not inlined (video-done.ts); default BOREX_VIDEO_DONE_INLINE_BYTES, else 2 MiB. */
  inlineMapBytes?: number;
}

interface Job {
  seq: number;
  dir: string;
  state: 'running' | 'done' | 'failed';
  files: string[];
  /** A finished explainVideo job: its video and what it handed back (an export draws from it). */
  video?: { videoId: string; done: VideoExplainDone };
}

/**
 * The API's implementation, behind either transport. Every request arrives as `unknown` and is
 * validated here; photos are referred to by id (uploaded bytes in serve mode, paths checked by main
 * in the app); jobs run in the engine host and their events go out through `events` ('job').
 */
export class ApiBackend {
  readonly events = new EventEmitter<{ job: [JobEvent] }>();
  private readonly images = new Map<string, { file: string; info: ImageInfo }>();
  private readonly priors = new Map<string, { file: string; name: string }>();
  private readonly jobs = new Map<string, Job>();
  private readonly folders = new Map<string, OpenedFolder & { path: string }>();
  /** Runs a job of this session is writing (or is queued to write): never two jobs on one run. */
  private readonly activeRuns = new Set<string>();
  readonly userModels: UserModels;
  private readonly videos: SessionVideos;

  /** Batch runs are written to, and past runs read from, `runsDir` (default: inside workDir). */
  readonly runsDir: string;
  private readonly modelEnv: () => NodeJS.ProcessEnv;
  private readonly inlineMapBytes: number;

  constructor(
    private readonly host: EngineHost,
    private readonly workDir: string,
    private readonly transport: 'http' | 'ipc',
    options: BackendOptions = {},
  ) {
    this.runsDir = path.resolve(options.runsDir ?? path.join(workDir, 'runs'));
    this.modelEnv = options.modelEnv ?? (() => process.env);
    this.inlineMapBytes = options.inlineMapBytes ?? inlineMapBytes();
    this.userModels = new UserModels(host, workDir);
    this.videos = new SessionVideos(workDir);
    fs.mkdirSync(path.join(workDir, 'images'), { recursive: true });
    fs.mkdirSync(path.join(workDir, 'jobs'), { recursive: true });
  }

  runs(): { dir: string; runs: RunListing[] } {
    if (!fs.existsSync(this.runsDir)) return { dir: this.runsDir, runs: [] };
    const runs: RunListing[] = [];
    for (const d of fs.readdirSync(this.runsDir, { withFileTypes: true })) {
      if (!d.isDirectory() || !fs.existsSync(path.join(this.runsDir, d.name, 'run.json'))) continue;
      try {
        const m = readRunManifest(path.join(this.runsDir, d.name));
        const spec = m.spec as { model?: { name?: string }; methods?: { id: string }[] };
        const done = readRunItems(path.join(this.runsDir, d.name));
        runs.push({ runId: d.name, created: m.created, model: spec.model?.name ?? '?', methods: (spec.methods ?? []).map((x) => x.id), entries: m.spec.input.entries, items: new Set(done.map((r) => r.entry)).size, remaining: remainingEntries(m, done) });
      } catch {
        /* not a readable run: not listed */
      }
    }
    return { dir: this.runsDir, runs: runs.sort((a, b) => b.created.localeCompare(a.created)) };
  }

  openRun(raw: unknown): ReopenedRun {
    const { runId } = runRequest(raw, '');
    const dir = this.runDir(runId);
    const m = readRunManifest(dir);
    const methods = ((m.spec as { methods?: { id: string }[] }).methods ?? []).map((x) => x.id);
    return { runId, methods, items: readRunItems(dir).map(batchItem), settings: runSettings(m) };
  }

  /**
   * One item of a run for the Explain view (the Batch table's drill-down): its photo opened as a
   * session photo (imageUrl shows it), where the model's input sat in it, and each method's map
   * read from the run's .npy with its metrics and curves (src/app/run-item.ts).
   */
  async openRunItem(raw: unknown): Promise<OpenedRunItem> {
    const { runId, key } = runItemRequest(raw, '');
    const dir = this.runDir(runId);
    const m = readRunManifest(dir);
    if ((m.spec as { medium?: string }).medium === 'video') throw new ApiError('bad-request', `run ${runId} is a run of videos; open its clips in the Video view`);
    const rec = runItemRecord(dir, key);
    const file = runPhotoFile(m, rec.image);
    if (!fs.existsSync(file)) throw new ApiError('not-found', `${rec.image}: the photo of run ${runId} is no longer at ${file}`);
    const image = await this.addImagePath(file);
    const geometry = runGeometry(m, image.width, image.height);
    const methods = runItemMethods(dir, m, rec, geometry);
    const top = await this.runItemTop5(runId, m, file);
    for (const x of methods) if (x.result) x.result.top5 = top.top5;
    // Each method with a map is exported like a fresh result: its files sit in a finished job of this session.
    if (methods.some((x) => x.map)) {
      const photo = await decodeImage(file, rec.image);
      for (const x of methods) {
        if (!x.map) continue;
        const jobId = newId();
        const out = path.join(this.workDir, 'jobs', jobId);
        x.files = await writeRunItemFiles(out, photo, x, geometry, { runId, key });
        x.jobId = jobId;
        this.jobs.set(jobId, { seq: -1, dir: out, state: 'done', files: x.files });
      }
    }
    return { runId, key, image, geometry, label: rec.label && { index: rec.label.index, name: rec.label.name, probability: rec.label.probability }, ...top, methods };
  }

  /**
   * A run item's top 5 under the run's model (a batch keeps only the explained class): one classify
   * of its photo, found as a resume finds the model (run-model.ts); a note instead when it is not here.
   */
  private async runItemTop5(runId: string, m: RunManifest, photoFile: string): Promise<{ top5: ClassEntry[]; top5Note?: string }> {
    let source: ModelSource;
    try {
      source = findRunModel(runId, recordedModel(m), this.userModels, this.modelEnv()).source;
    } catch {
      return { top5: [], top5Note: `top-5 not shown: the run's model, ${recordedModel(m).name}, is not on this machine or not opened in this session` };
    }
    try {
      const reply = (await this.host.run({ kind: 'classify', image: photoFile, model: source }).result) as ClassifyResponse;
      return { top5: reply.top5 };
    } catch (err) {
      return { top5: [], top5Note: `top-5 not shown: ${this.userWords(asBorexError(err).message)}` };
    }
  }

  /** Thumbnails of a run's photos (64 px JPEG data: URLs by name in the run), made once per photo file. */
  async runThumbnails(raw: unknown): Promise<RunThumbnails> {
    const { runId } = runThumbnailsRequest(raw, '');
    return { runId, thumbnails: await runThumbnails(this.runDir(runId), this.thumbnails) };
  }
  private readonly thumbnails = new Map<string, string>();

  /** A run's paired Wilcoxon tests, as `borex compare RUN_DIR` computes them (the paper's pairs its methods allow). */
  compareRun(raw: unknown): RunComparison {
    const { runId } = runRequest(raw, '');
    const runs = loadRuns([this.runDir(runId)]);
    const pairs = paperPairs(runs.methods);
    if (pairs.length === 0) return { runId, rows: [], note: `no method of this run is paired with its refinement (it has ${runs.methods.join(', ')}); run e.g. rise with borex:rise` };
    const rows = compareRuns(runs, pairs).rows.map(({ table, name, baseline, candidate, subset, metric, alternative, n, meanBaseline, meanCandidate, medianDifference, shareImproved, pValue, note }) => ({ table, name, baseline, candidate, subset, metric, alternative, n, meanBaseline, meanCandidate, medianDifference, shareImproved, pValue, note }));
    return { runId, rows };
  }

  /**
   * Continues a run that did not finish, in its own directory. Everything but the run's id comes
   * from its run.json; what the images still to do need (input, model, class map) is checked here
   * first, so a run whose inputs are gone is refused at once, naming what is missing.
   */
  resumeRun(raw: unknown): BatchStarted {
    const { runId } = resumeRunRequest(raw, '');
    const dir = this.runDir(runId);
    if (this.activeRuns.has(runId)) throw new ApiError('bad-request', `run ${runId} is already running in this session`);
    const manifest = readRunManifest(dir);
    if (manifest.shard) {
      const s = `${manifest.shard.index}/${manifest.shard.count}`;
      throw new ApiError('bad-request', `run ${runId} is shard ${s} of a sharded run: resume it where it runs, with borex batch --shard ${s} --resume`);
    }
    const done = readRunItems(dir);
    if (remainingEntries(manifest, done) === 0) throw new ApiError('bad-request', `run ${runId} is finished: all its ${manifest.spec.input.entries} photos are done`);
    const holder = lockHolder(dir);
    if (holder?.host === os.hostname()) throw new ApiError('bad-request', `run ${runId} is being worked on by process ${holder.pid}; wait for it or stop it first`);
    if (holder) throw new ApiError('bad-request', `run ${runId} is locked by process ${holder.pid} on ${holder.host}; if that process is gone, resume it with borex batch --resume --take-over-lock`);
    const model = findRunModel(runId, recordedModel(manifest), this.userModels, this.modelEnv());
    try {
      planResume(dir, model.file);
    } catch (err) {
      const e = asBorexError(err);
      throw new ApiError(e.kind, isSessionInput(manifest.spec.input.path) ? `${e.message} (photos added to the Batch view one by one are kept only while the session that added them runs)` : e.message);
    }
    return this.startBatch({ kind: 'resume', runDir: dir, model: model.source }, runId, path.join(this.workDir, 'jobs', newId()));
  }

  /** A run directory named by its id (never a path from the client). */
  private runDir(runId: string): string {
    const dir = path.join(this.runsDir, runId);
    if (!fs.existsSync(path.join(dir, 'run.json'))) throw new ApiError('not-found', `no run ${runId} in ${this.runsDir}`);
    return dir;
  }

  info(): AppInfo {
    const env = this.modelEnv();
    // `clip`: the model explains videos (a clip layout), so the Video view lists it and the Explain view does not.
    const catalogue = CATALOGUE.map((e) => ({ name: e.name, description: e.description, available: isAvailable(e.name, env), clip: isClipSpec(e.spec) }));
    const firstAvailable = catalogue.find((m) => m.available)?.name;
    const models: ModelListing[] = [...catalogue, ...this.userModels.listings()];
    return {
      apiVersion: API_VERSION,
      version: versions()['borex-studio'],
      transport: this.transport,
      models,
      defaultModel: catalogue.find((m) => m.name === DEFAULT_MODEL)?.available ? DEFAULT_MODEL : (firstAvailable ?? DEFAULT_MODEL),
      methods: METHOD_CHOICES,
      priors: PRIOR_CHOICES,
      presets: PRESET_CHOICES,
      presetParams: Object.fromEntries(PRESET_CHOICES.map((p) => [p, riseParamsFor(p)])) as AppInfo['presetParams'],
      borexDefaults: (({ iterations, kappa, gain, halfSizes }) => ({ iterations, kappa, gain, halfSizes }))(borexParamsFor('borex')),
    };
  }

  // ---- the call table's file rows (src/shared/calls.ts): a path in the app, bytes in serve ----

  openImage(file: FileInput): Promise<ImageInfo> {
    return 'path' in file ? this.addImagePath(file.path) : this.addImageBytes(asBuffer(file.bytes), file.name);
  }

  openPrior(file: FileInput): Promise<{ id: string; name: string }> {
    return 'path' in file ? this.addPriorPath(file.path) : this.addPriorBytes(asBuffer(file.bytes), file.name);
  }

  /** App only: main passes the folder's path (never serve: a browser cannot name a folder). */
  openFolder(file: FileInput): OpenedFolder {
    if (!('path' in file)) throw new ApiError('bad-request', 'a folder is opened by path, in the app');
    return this.addFolder(file.path);
  }

  /**
   * What a medium is, without registering it for a job: a photo read by sharp, a video by ffprobe
   * (frame count, rate, size, SAR, whether a browser plays it).
   */
  async probeMedia(file: FileInput): Promise<MediaInfo> {
    const name = ('path' in file ? path.basename(file.path) : file.name).slice(0, 200);
    if (mediaKindOf(name) === 'video') return probeVideoMedia(file, name, this.workDir);
    const meta = await probe('path' in file ? file.path : asBuffer(file.bytes), name);
    return { kind: 'image', name, format: meta.format, width: meta.width, height: meta.height, mime: imageMime(meta.format) ?? 'application/octet-stream' };
  }

  /** Serve mode: an uploaded photo, stored under the session's work directory. */
  async addImageBytes(bytes: Buffer, name: string): Promise<ImageInfo> {
    const meta = await probe(bytes, name);
    await checkDecodes(bytes, name);
    const id = newId();
    const file = path.join(this.workDir, 'images', `${id}.${meta.ext}`);
    fs.writeFileSync(file, bytes);
    return this.register(id, file, name, meta);
  }

  /** App mode: a photo on disk, its path already re-checked by the main process. */
  async addImagePath(file: string): Promise<ImageInfo> {
    const meta = await probe(file, path.basename(file));
    await checkDecodes(file, path.basename(file));
    return this.register(newId(), file, path.basename(file), meta);
  }

  /** Serve mode: an uploaded prior map, read and checked by the engine's reader now (a bad one is refused at open). */
  async addPriorBytes(bytes: Buffer, name: string): Promise<{ id: string; name: string }> {
    if (!isPriorMapFile(name)) throw new ApiError('bad-input', `${name}: a prior map must be ${PRIOR_MAP_EXTENSIONS.join(', ')}`);
    const id = newId();
    // Kept under its own name (in a folder of its own): result.json records where the prior came from.
    const dir = path.join(this.workDir, 'priors', id);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, path.basename(name).replace(/[^A-Za-z0-9._ -]+/g, '_'));
    fs.writeFileSync(file, bytes);
    try {
      await checkPriorFile(file, name);
    } catch (err) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    return this.registerPrior(id, file, name);
  }

  /** App mode: a prior map on disk, its path already re-checked by main; read and checked now. */
  async addPriorPath(file: string): Promise<{ id: string; name: string }> {
    if (!isPriorMapFile(file)) throw new ApiError('bad-input', `${file}: a prior map must be ${PRIOR_MAP_EXTENSIONS.join(', ')}`);
    await checkPriorFile(file, file);
    return this.registerPrior(newId(), file, path.basename(file));
  }

  /**
   * A failure's message in the user's words: the session's stored copies (upload ids, temp
   * folders) named by the file names the user gave them.
   */
  private userWords(message: string): string {
    let out = message;
    for (const { file, info } of this.images.values()) out = out.split(file).join(info.name);
    for (const { file, name } of this.priors.values()) out = out.split(file).join(name);
    return out;
  }

  private registerPrior(id: string, file: string, name: string): { id: string; name: string } {
    this.priors.set(id, { file, name: name.slice(0, 200) });
    return { id, name: name.slice(0, 200) };
  }

  imageFile(id: string): string {
    const image = this.images.get(id);
    if (!image) throw new ApiError('not-found', `no image with id ${id}`);
    return image.file;
  }

  async classify(raw: unknown): Promise<ClassifyResponse> {
    const req = classifyRequest(raw, '');
    const image = this.imageFile(req.imageId);
    const model = this.modelSource(req.model);
    const { result } = this.host.run({ kind: 'classify', image, model });
    return (await result.catch((e: unknown) => {
      const err = asBorexError(e);
      return Promise.reject(new ApiError(err.kind, this.userWords(err.message)));
    })) as ClassifyResponse;
  }

  explain(raw: unknown): JobStarted {
    const request = explainRequest(raw, '');
    const image = this.imageFile(request.imageId);
    const model = this.modelSource(request.model);
    const jobId = newId();
    const dir = path.join(this.workDir, 'jobs', jobId);
    fs.mkdirSync(dir, { recursive: true });
    let vocXmlFile: string | undefined;
    if (request.groundTruth?.type === 'voc') {
      vocXmlFile = path.join(dir, 'boxes.xml');
      fs.writeFileSync(vocXmlFile, request.groundTruth.xml);
    }
    let priorFile: string | undefined;
    if (request.method === 'borex' && request.prior === 'file') {
      priorFile = request.priorFileId && this.priors.get(request.priorFileId)?.file;
      if (!priorFile) throw new ApiError('bad-request', 'prior "file" needs priorFileId of an imported map');
    }
    const emit = (e: JobEvent) => this.events.emit('job', e);
    const { seq, result } = this.host.run({ kind: 'explain', image, outDir: dir, request, model, vocXmlFile, priorFile }, (p) => emit({ type: 'progress', jobId, ...p }));
    const job: Job = { seq, dir, state: 'running', files: [] };
    this.jobs.set(jobId, job);
    result.then(
      (value) => {
        const r = value as ExplainDone;
        job.state = 'done';
        job.files = r.files;
        emit({ type: 'done', jobId, ...r });
      },
      (err: unknown) => {
        const e = asBorexError(err);
        job.state = 'failed';
        emit({ type: 'failed', jobId, kind: e.kind, message: this.userWords(e.message) });
      },
    );
    return { jobId };
  }

  /**
   * A batch over opened photos (linked into a folder of their own names) or over a folder opened
   * in the app, run by the engine's batch runner into a run directory (run.json, items.jsonl,
   * maps/), as `borex batch` would.
   */
  batch(raw: unknown): BatchStarted {
    const request = batchRequest(raw, '');
    // Each id through the CLI's own grammar (its usage error, its words) before anything is linked or started.
    for (const id of request.methods) parseMethodId(id);
    const model = this.modelSource(request.model);
    if ([request.imageIds, request.videoIds, request.folderId].filter((x) => x !== undefined).length !== 1) throw new ApiError('bad-request', 'a batch runs over imageIds, videoIds or a folderId (one of them)');
    const folder = request.folderId === undefined ? undefined : this.folders.get(request.folderId);
    if (request.folderId !== undefined && !folder) throw new ApiError('not-found', `no folder with id ${request.folderId}`);
    // Clips opened one by one run as a folder of clips (`borex batch DIR` of videos), linked under their own names.
    const files = request.videoIds
      ? request.videoIds.map((i) => ({ file: this.videos.get(i).file, name: this.videos.get(i).name }))
      : (request.imageIds ?? []).map((i) => ({ file: this.imageFile(i), name: this.images.get(i)!.info.name }));
    const jobId = newId();
    const dir = path.join(this.workDir, 'jobs', jobId);
    const inputDir = folder?.path ?? path.join(dir, 'input');
    fs.mkdirSync(folder ? dir : inputDir, { recursive: true });
    // Photos with VOC annotations run as a VOC root (JPEGImages/ + Annotations/), as `borex batch` runs one.
    const xmlOf = new Map((request.annotations ?? []).map((a) => [a.imageId, a.xml]));
    for (const a of request.annotations ?? []) if (!request.imageIds?.includes(a.imageId)) throw new ApiError('bad-request', `annotation ${a.name ?? a.imageId}: its photo is not in this batch`);
    const photoDir = xmlOf.size ? path.join(inputDir, 'JPEGImages') : inputDir;
    if (xmlOf.size) fs.mkdirSync(path.join(inputDir, 'Annotations'), { recursive: true });
    if (!folder) fs.mkdirSync(photoDir, { recursive: true });
    const used = new Set<string>();
    const inputs: string[] = [];
    for (const [n, f] of files.entries()) {
      const parsed = path.parse(f.name.replace(/[^A-Za-z0-9._ -]+/g, '_'));
      const stem = parsed.name || 'image';
      // The same name twice (the same photos added again, or two folders' 1.jpg): a-2.jpg, a-3.jpg, … never one taken.
      let name = `${stem}${path.extname(f.file)}`;
      for (let k = 2; used.has(name.toLowerCase()); k++) name = `${stem}-${k}${path.extname(f.file)}`;
      used.add(name.toLowerCase());
      fs.symlinkSync(f.file, path.join(photoDir, name));
      const xml = request.imageIds ? xmlOf.get(request.imageIds[n]) : undefined;
      if (xml !== undefined) fs.writeFileSync(path.join(inputDir, 'Annotations', `${path.parse(name).name}.xml`), xml);
      inputs.push(xmlOf.size ? `JPEGImages/${name}` : name);
    }
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    const runId = `ui-${stamp}-${jobId.slice(0, 6).replace(/[^A-Za-z0-9]/g, 'x')}`;
    // The annotations are in the input folder now; the worker needs only the rest of the request.
    const started = this.startBatch({ kind: 'batch', inputDir, outDir: path.join(this.runsDir, runId), request: { ...request, annotations: undefined }, model }, runId, dir, jobId);
    return folder ? started : { ...started, inputs };
  }

  /** Runs a batch job (new or resumed) into the run `runId`; its events go out as any job's. */
  private startBatch(hostJob: Extract<HostJob, { kind: 'batch' | 'resume' }>, runId: string, dir: string, jobId = path.basename(dir)): BatchStarted {
    const emit = (e: JobEvent) => this.events.emit('job', e);
    const { seq, result } = this.host.run(hostJob, (p) => emit({ type: 'progress', jobId, ...p }));
    const job: Job = { seq, dir, state: 'running', files: [] };
    this.jobs.set(jobId, job);
    this.activeRuns.add(runId);
    result.then(
      (value) => {
        job.state = 'done';
        this.activeRuns.delete(runId);
        emit({ type: 'batch-done', jobId, ...(value as BatchDone) });
      },
      (err: unknown) => {
        const e = asBorexError(err);
        job.state = 'failed';
        this.activeRuns.delete(runId);
        emit({ type: 'failed', jobId, kind: e.kind, message: e.message });
      },
    );
    return { jobId, runId };
  }

  /** App mode: a folder for a batch, its path already re-checked by main; listed as `borex batch` lists it. */
  addFolder(dir: string): OpenedFolder {
    let input;
    try {
      input = listBatchInput(dir);
    } catch (err) {
      throw new ApiError('bad-input', asBorexError(err).message);
    }
    if (input.kind === 'manifest') throw new ApiError('bad-input', `${dir}: not a folder`);
    const folder: OpenedFolder = { id: newId(), name: path.basename(dir), kind: input.kind, images: input.entries.map((e) => e.image) };
    this.folders.set(folder.id, { ...folder, path: input.path });
    return folder;
  }

  // ---- video (issue 12): videos and tubes of the session (videos.ts), their jobs ------------

  /** A video: its path in the app (re-checked by main), bytes otherwise; serve streams uploads (openVideoUpload). */
  openVideo(file: FileInput): Promise<OpenedVideo> {
    return this.videos.open(file);
  }

  /** Serve: a video upload streamed to disk, refused past `limit` bytes (413). */
  openVideoUpload(body: Readable, name: string, limit: number): Promise<OpenedVideo> {
    return this.videos.upload(body, path.basename(name), limit);
  }

  openTube(file: FileInput): OpenedTube {
    return this.videos.openTube(file);
  }

  /** The file a <video> element plays, by id: the video, or its proxy (never a path from the client). */
  mediaFile(videoId: string, variant: string): string {
    return this.videos.mediaFile(videoId, variant);
  }

  makeProxy(raw: unknown): JobStarted {
    const { videoId } = videoRequest(raw, '');
    const video = this.videos.get(videoId);
    const out = this.videos.proxyPath(videoId);
    return this.startJob({ kind: 'proxy', video: { file: video.file, name: video.name }, out, videoId }, (value: ProxyDone, jobId) => {
      this.videos.setProxy(videoId, out);
      return { type: 'proxy-done', jobId, ...value };
    });
  }

  explainVideo(raw: unknown): JobStarted {
    const request = explainVideoRequest(raw, '');
    const video = this.videos.get(request.videoId);
    if (request.frames !== undefined && request.window !== undefined) throw new ApiError('bad-request', 'frames (uniform sampling) and window (windows of T frames) are two ways to choose clips: give one');
    const model = this.modelSource(request.model);
    const clip = request.window ? { frames: request.window.frames, sampling: { window: request.window.frames, stride: request.window.stride } } : request.frames !== undefined ? { frames: request.frames } : undefined;
    const tube = request.tubeId === undefined ? undefined : this.videos.checkedTube(request.tubeId, video);
    let priorFile: string | undefined;
    if (request.method === 'borex' && request.prior === 'file') {
      priorFile = request.priorFileId && this.priors.get(request.priorFileId)?.file;
      if (!priorFile) throw new ApiError('bad-request', 'prior "file" needs priorFileId of an imported map');
    }
    return this.startJob(
      { kind: 'explain-video', video: { file: video.file, name: video.name }, outDir: '', request, model: clip ? { ...model, clip } : model, tubeFile: tube?.file, tubeName: tube?.name, priorFile },
      (value: VideoExplainDone, jobId, job) => {
        job.files = value.files;
        job.video = { videoId: video.id, done: value };
        return videoDoneEvent(jobId, value, this.inlineMapBytes);
      },
    );
  }

  exportVideo(raw: unknown): JobStarted {
    const request = exportVideoRequest(raw, '');
    const source = this.jobs.get(request.jobId);
    if (!source) throw new ApiError('not-found', `no job with id ${request.jobId}`);
    if (!source.video) throw new ApiError('bad-request', `job ${request.jobId} is not a finished explainVideo job`);
    const { done } = source.video;
    const video = this.videos.get(source.video.videoId);
    if ((request.map === 'prior' || request.layout === 'prior-refined') && !done.priorMaps) throw new ApiError('bad-request', `${done.result.method} has no prior map to export: prior maps come with borex and bo`);
    const exportSource: ExportSource = {
      clips: done.result.clips.map((c) => ({ frames: c.frames, label: c.label, signed: c.signed })),
      method: done.result.method,
      priorMethod: done.result.clips[0]?.prior?.method,
      maps: done.maps,
      priorMaps: done.priorMaps,
      dims: done.dims,
      geometry: done.geometry,
    };
    return this.startJob({ kind: 'export-video', video: { file: video.file, name: video.name }, out: 'annotated.mp4', request, done: exportSource }, (value: ExportDone, jobId, job) => {
      job.files = value.files;
      return { type: 'export-done', jobId, ...value };
    });
  }

  /**
   * Runs one host job in a folder of its own (jobs/<jobId>; `outDir`/`out` are relative to it) and
   * turns its result into its done event; a failure or cancel becomes `failed`, as for every job.
   */
  private startJob<T>(hostJob: HostJob, done: (value: T, jobId: string, job: Job) => JobEvent): JobStarted {
    const jobId = newId();
    const dir = path.join(this.workDir, 'jobs', jobId);
    fs.mkdirSync(dir, { recursive: true });
    if ('outDir' in hostJob) hostJob.outDir = path.join(dir, hostJob.outDir);
    if ('out' in hostJob && !path.isAbsolute(hostJob.out)) hostJob.out = path.join(dir, hostJob.out);
    const emit = (e: JobEvent) => this.events.emit('job', e);
    const { seq, result } = this.host.run(hostJob, (p) => emit({ type: 'progress', jobId, ...p }));
    const job: Job = { seq, dir, state: 'running', files: [] };
    this.jobs.set(jobId, job);
    result.then(
      (value) => {
        const event = done(value as T, jobId, job);
        job.state = 'done';
        emit(event);
      },
      (err: unknown) => {
        const e = asBorexError(err);
        job.state = 'failed';
        emit({ type: 'failed', jobId, kind: e.kind, message: e.message });
      },
    );
    return { jobId };
  }

  /** A request's model: a catalogue name, or a user model of this session (`user:<id>`). */
  private modelSource(ref: string): ModelSource {
    const user = this.userModels.source(ref);
    if (user) return user;
    if (!CATALOGUE.some((e) => e.name === ref)) throw new ApiError('bad-request', `unknown model "${ref}"; one of ${CATALOGUE.map((e) => e.name).join(', ')}, or a model opened in this session`);
    return { key: ref };
  }

  cancel(raw: unknown): { cancelled: boolean } {
    const { jobId } = jobRequest(raw, '');
    const job = this.jobs.get(jobId);
    if (!job) throw new ApiError('not-found', `no job with id ${jobId}`);
    return { cancelled: job.state === 'running' && this.host.cancel(job.seq) };
  }

  /** The path of one of a finished job's files (names from a fixed list, never from the client). */
  jobFile(raw: unknown): string {
    const { jobId, file } = fileRequest(raw, '');
    const job = this.jobs.get(jobId);
    if (!job || !job.files.includes(file)) throw new ApiError('not-found', `job ${jobId} has no ${file}`);
    return path.join(job.dir, file);
  }

  /**
   * Closes the engine host. `graceMs` > 0 (serve stopping on Ctrl-C or SIGTERM): running jobs are
   * cancelled first and given that long to end as a cancel ends — a batch between two photos, its
   * run.lock released — before the host is closed (which stops a worker at once).
   */
  async close(graceMs = 0): Promise<void> {
    const running = [...this.jobs.values()].filter((j) => j.state === 'running');
    if (graceMs > 0 && running.length > 0) {
      for (const job of running) this.host.cancel(job.seq);
      const until = Date.now() + graceMs;
      while (running.some((j) => j.state === 'running') && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    }
    await this.host.close();
  }

  private register(id: string, file: string, name: string, meta: { width: number; height: number }): ImageInfo {
    const info: ImageInfo = { id, name: name.slice(0, 200), width: meta.width, height: meta.height };
    this.images.set(id, { file, info });
    return info;
  }
}

const asBuffer = (bytes: Uint8Array) => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));

/** A photo's sharp format, the extension a stored copy gets, and its size; refused unless openable. */
async function probe(input: Buffer | string, name: string): Promise<{ format: string; ext: string; width: number; height: number }> {
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    throw new ApiError('bad-input', `${name}: not a readable image`);
  }
  if (!meta.format || !OPENABLE_IMAGE_FORMATS.has(meta.format) || !meta.width || !meta.height) {
    throw new ApiError('bad-input', `${name}: unsupported image format ${meta.format ?? 'unknown'}`);
  }
  // Refused here, before any job decodes it (BOREX_MAX_PIXELS, default 100 megapixels).
  const over = overPixelLimit(meta.width, meta.height);
  if (over) throw new ApiError('bad-input', `${name}: ${over}`);
  return { format: meta.format, ext: meta.format === 'jpeg' ? 'jpg' : meta.format, width: meta.width, height: meta.height };
}

/**
 * A photo is decoded whole once when it is opened (small: shrink-on-load), so a truncated or
 * corrupt one is refused now, naming the user's file, rather than drawn in slivers and failing later.
 */
async function checkDecodes(input: Buffer | string, name: string): Promise<void> {
  try {
    await sharp(input, { failOn: 'truncated', limitInputPixels: false }).resize({ width: 64, height: 64, fit: 'inside' }).raw().toBuffer();
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0].replace(/^Vips\w*: /, '') : String(err);
    throw new ApiError('bad-input', `${name}: the photo is truncated or corrupt (${why}); it cannot be opened`);
  }
}

/** A prior map read as a job would read it; a file that is not one is refused naming the user's file. */
async function checkPriorFile(file: string, name: string): Promise<void> {
  try {
    await readPriorFile(file, 2);
  } catch (err) {
    const e = asBorexError(err);
    // A clip's prior (T×H×W .npy) is also a prior: the video view imports those.
    if (path.extname(file).toLowerCase() === '.npy' && /shape \[\d+, \d+, \d+\]/.test(e.message)) {
      try {
        await readPriorFile(file, 3);
        return;
      } catch {
        /* the first reason stands */
      }
    }
    throw new ApiError('bad-input', e.message.split(file).join(name));
  }
}

/** The folder a batch of photos added one by one runs over: this layout's `jobs/<id>/input`, in a session's work directory. */
function isSessionInput(inputPath: unknown): boolean {
  return typeof inputPath === 'string' && path.basename(inputPath) === 'input' && path.basename(path.dirname(path.dirname(inputPath))) === 'jobs';
}

function isAvailable(name: string, env: NodeJS.ProcessEnv): boolean {
  try {
    resolveModel(name, {}, env);
    return true;
  } catch {
    return false;
  }
}
