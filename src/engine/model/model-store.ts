import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { definedOnly } from '../defined-only.ts';
import { BorexError, modelError, usageError } from '../errors.ts';
import { CATALOGUE, RESOURCES_DIR, catalogueEntry, type CatalogueEntry } from './catalogue.ts';
import { BASELINE_CHOICES } from '../../shared/requests.ts';
import { clipSpecProblems, isClipSpec, LAYOUTS, TORCHVISION_DEFAULTS, type ModelSpec } from './spec.ts';

/**
 * Finds models and their specs and labels, offline first:
 * explicit path → BOREX_MODEL_DIR → the user cache → (only through `borex models download`) https.
 */
export interface ResolvedModel {
  name: string;
  file: string;
  sha256: string;
  spec: ModelSpec;
  /** Where the spec came from: a sidecar file, the catalogue, or the torchvision defaults. */
  specSource: string;
  labels?: string[];
  labelsFile?: string;
  entry?: CatalogueEntry;
}

export function modelDirectories(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs: string[] = [];
  if (env.BOREX_MODEL_DIR) dirs.push(...env.BOREX_MODEL_DIR.split(path.delimiter).filter(Boolean).map((d) => path.resolve(d)));
  dirs.push(userCacheDir(env), path.join(RESOURCES_DIR, 'models'));
  return dirs;
}

export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BOREX_CACHE_DIR) return path.resolve(env.BOREX_CACHE_DIR, 'models');
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'borex', 'models');
}

const hashes = new Map<string, { size: number; mtimeMs: number; ino: number; sha256: string }>();

/**
 * The file's sha256, remembered while its size, mtime and inode stay the same: model listings
 * resolve every model, and reading a few hundred MB each time would make them slow.
 */
export function sha256File(file: string): string {
  const key = path.resolve(file);
  const { size, mtimeMs, ino } = fs.statSync(key);
  const known = hashes.get(key);
  if (known && known.size === size && known.mtimeMs === mtimeMs && known.ino === ino) return known.sha256;
  const sha256 = createHash('sha256').update(fs.readFileSync(key)).digest('hex');
  hashes.set(key, { size, mtimeMs, ino, sha256 });
  return sha256;
}

/** Resolves a model name or path; `overrides` (CLI flags) win over the sidecar and catalogue spec. */
export function resolveModel(nameOrPath: string, overrides: Partial<ModelSpec> = {}, env: NodeJS.ProcessEnv = process.env): ResolvedModel {
  const looksLikePath = nameOrPath.endsWith('.onnx') || nameOrPath.includes('/') || nameOrPath.includes(path.sep);
  let file: string | undefined;
  let entry = catalogueEntry(path.basename(nameOrPath));
  if (looksLikePath) {
    file = path.resolve(nameOrPath);
    if (!fs.existsSync(file)) throw new BorexError('model', `${nameOrPath}: model file not found`);
    if (!fs.statSync(file).isFile()) throw new BorexError('model', `${nameOrPath}: not a file`);
  } else {
    entry = catalogueEntry(nameOrPath);
    if (!entry) throw usageError(`unknown model "${nameOrPath}"; known models: ${CATALOGUE.map((e) => e.name).join(', ')} (or give a path to an .onnx file)`);
    const searched = modelDirectories(env);
    file = searched.map((d) => path.join(d, entry!.file)).find((f) => fs.existsSync(f));
    if (!file) {
      const how = entry.url ? `run \`borex models download ${entry.name}\` where a network exists, or ` : '';
      throw new BorexError('model', `model "${entry.name}" (${entry.file}) not found; ${how}put it in a directory named by BOREX_MODEL_DIR. Searched: ${searched.join(', ')}`);
    }
  }
  const sha256 = sha256File(file);
  if (entry && entry.sha256 && !looksLikePath && sha256 !== entry.sha256) {
    throw modelError(file, `sha256 ${sha256} does not match the catalogue's ${entry.sha256} for ${entry.name}; the file is damaged or a different model`);
  }
  const { spec, source } = loadSpec(file, entry);
  const merged: ModelSpec = { ...spec, ...definedOnly(overrides) };
  const labelsFound = loadLabels(merged.labels, [source.endsWith('.json') ? path.dirname(source) : undefined, path.dirname(file)], env);
  return { name: entry?.name ?? path.basename(file, '.onnx'), file, sha256, spec: merged, specSource: source, entry, ...labelsFound };
}

function loadSpec(modelFile: string, entry: CatalogueEntry | undefined): { spec: ModelSpec; source: string } {
  const sidecar = modelFile.replace(/\.onnx$/i, '') + '.borex.json';
  if (fs.existsSync(sidecar)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(sidecar, 'utf8'));
    } catch (err) {
      throw new BorexError('model', `${sidecar}: not valid JSON (${err instanceof Error ? err.message : err})`);
    }
    return { spec: validateSpec({ ...TORCHVISION_DEFAULTS, ...(parsed as object) }, sidecar), source: sidecar };
  }
  if (entry) return { spec: entry.spec, source: `catalogue:${entry.name}` };
  return { spec: TORCHVISION_DEFAULTS, source: 'defaults (torchvision ImageNet preprocessing)' };
}

export function validateSpec(spec: ModelSpec, where: string): ModelSpec {
  const fail = (why: string) => new BorexError('model', `${where}: ${why}`);
  if (!LAYOUTS.includes(spec.layout)) throw fail(`layout must be one of ${LAYOUTS.join(', ')}, got ${spec.layout}`);
  const clipProblem = clipSpecProblems(spec)[0];
  if (clipProblem) throw fail(clipProblem);
  if (!(Number.isInteger(spec.height) && spec.height > 0 && Number.isInteger(spec.width) && spec.width > 0)) throw fail('height and width must be positive integers');
  if (spec.resize !== 'stretch' && spec.resize !== 'shorter-side-crop') throw fail(`resize must be stretch or shorter-side-crop, got ${spec.resize}`);
  if (!(spec.cropFraction > 0 && spec.cropFraction <= 1)) throw fail('cropFraction must be in (0, 1]');
  if (spec.channelOrder !== 'RGB' && spec.channelOrder !== 'BGR') throw fail('channelOrder must be RGB or BGR');
  for (const key of ['mean', 'std'] as const) {
    const v = spec[key];
    if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => Number.isFinite(x))) throw fail(`${key} must be three numbers`);
  }
  if (!spec.std.every((x) => x !== 0)) throw fail('std must not be 0');
  if (!['logits', 'probabilities', 'auto'].includes(spec.output)) throw fail('output must be logits, probabilities or auto');
  if (spec.baseline !== undefined && !(BASELINE_CHOICES as readonly string[]).includes(spec.baseline)) throw fail(`baseline must be one of ${BASELINE_CHOICES.join(', ')}, got ${spec.baseline}`);
  if (spec.baseline === 'temporal-mean' && !isClipSpec(spec)) throw fail('baseline temporal-mean is for clip models (it averages over frames)');
  return spec;
}

function loadLabels(labels: ModelSpec['labels'], dirs: (string | undefined)[], env: NodeJS.ProcessEnv): { labels?: string[]; labelsFile?: string } {
  if (Array.isArray(labels)) return { labels };
  if (!labels) return {};
  const file = findLabelsFile(labels, dirs, env);
  return file ? { labels: readLabelsFile(file), labelsFile: file } : {};
}

/** Looks for a labels-like file next to the spec/model, in the model directories, and in their sibling `labels/`. */
export function findLabelsFile(name: string, dirs: (string | undefined)[] = [], env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = new Set<string>();
  for (const d of [...dirs.filter((x): x is string => !!x), ...modelDirectories(env)]) {
    candidates.add(path.resolve(d, name));
    candidates.add(path.resolve(d, '..', 'labels', name));
  }
  return [...candidates].find((f) => fs.existsSync(f));
}

export function readLabelsFile(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/** `borex models download NAME`: https only, sha256-checked, written to a temp name and renamed. */
export async function downloadModel(name: string, env: NodeJS.ProcessEnv = process.env, fetchImpl: typeof fetch = fetch): Promise<string> {
  const entry = catalogueEntry(name);
  if (!entry) throw usageError(`unknown model "${name}"`);
  if (!entry.url) throw new BorexError('model', `model "${name}" has no download source; place ${entry.file} in BOREX_MODEL_DIR`);
  if (!entry.url.startsWith('https://')) throw new BorexError('model', `refusing a non-https source for ${name}`);
  const dir = userCacheDir(env);
  fs.mkdirSync(dir, { recursive: true });
  const target = path.join(dir, entry.file);
  let response: Response;
  try {
    response = await fetchImpl(entry.url);
  } catch (err) {
    throw new BorexError('runtime', `cannot download ${name}: no network (${err instanceof Error ? err.message : err})`);
  }
  if (!response.ok) throw new BorexError('runtime', `cannot download ${name}: HTTP ${response.status}`);
  const bytes = Buffer.from(await response.arrayBuffer());
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== entry.sha256) throw new BorexError('model', `downloaded ${name} has sha256 ${sha}, expected ${entry.sha256}; nothing was written`);
  const tmp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, target);
  return target;
}
