/**
 * writeClipModel: `borex models wrap-video MODEL` as an engine call.  Resolves the image model
 * (name or path, as every command does), builds the clip graph (clip-wrapper.ts), checks that
 * onnxruntime opens it and answers a batch of two clips with [2, C], and writes three files:
 *   OUT.onnx, OUT.borex.json (the image spec + the clip fields, as motion-v1's sidecar spells them)
 *   and, when the labels live elsewhere, a copy OUT.labels.txt the sidecar names.
 * Everything is written to temp names first and renamed at the end, so a failure leaves nothing;
 * existing files are refused unless `force`.
 */
import fs from 'node:fs';
import path from 'node:path';
import '../../no-telemetry.ts'; // before onnxruntime: no telemetry
import * as ort from 'onnxruntime-node';
import { BorexError, modelError, usageError } from '../../errors.ts';
import { resolveModel } from '../model-store.ts';
import { isClipSpec, type ModelSpec } from '../spec.ts';
import { ClipWrapRefusal, wrapAsClipModel, type ClipWrapResult } from './clip-wrapper.ts';
import { CamHeadRefusal } from './head-refusal.ts';

/** A clip model's sidecar: a ModelSpec with the clip fields set (as motion-v1.borex.json spells them). */
export interface ClipModelSpec extends ModelSpec {
  layout: 'NCTHW';
  frames: number;
  sampling: 'uniform';
  valueRange: [number, number];
  /** Where the weights came from. */
  wrappedFrom?: { model: string; sha256: string; featureTensor: string; dequantisedHead: boolean };
}

export interface WriteClipModelOptions {
  frames: number;
  /** The .onnx to write; default `<model>-clip<T>.onnx` in the current directory. */
  out?: string;
  force?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface WrittenClipModel {
  onnx: string;
  specFile: string;
  /** The labels copy written beside the model, if one was. */
  labelsFile?: string;
  spec: ClipModelSpec;
  wrap: Omit<ClipWrapResult, 'bytes' | 'imageHead'>;
  /** What onnxruntime answered for a batch of two clips. */
  checkedOutputDims: number[];
  warnings: string[];
}

/**
 * The image model's spec carried over to its clip version: the same resize, value range, mean /
 * std, channel order, output kind and labels, plus NCTHW, T and uniform sampling.  The input and
 * output names are the clip graph's, so the image model's are not carried.
 */
export function clipModelSpec(image: ModelSpec, wrap: Pick<ClipWrapResult, 'frames' | 'height' | 'width'>, labels: ModelSpec['labels']): ClipModelSpec {
  const { layout: _imageLayout, inputName: _inputName, outputName: _outputName, labels: _labels, ...rest } = image;
  return {
    layout: 'NCTHW',
    frames: wrap.frames,
    ...rest,
    height: wrap.height,
    width: wrap.width,
    valueRange: image.valueRange ?? [0, 1],
    sampling: 'uniform',
    ...(labels !== undefined ? { labels } : {}),
  };
}

export async function writeClipModel(model: string, options: WriteClipModelOptions): Promise<WrittenClipModel> {
  const resolved = resolveModel(model, {}, options.env);
  if (isClipSpec(resolved.spec)) throw modelError(resolved.file, `is already a clip model (its spec says layout ${resolved.spec.layout})`);
  if (resolved.spec.layout !== 'NCHW') throw modelError(resolved.file, `its spec says layout ${resolved.spec.layout}; only NCHW image models are wrapped`);
  const out = path.resolve(options.out ?? `${resolved.name}-clip${options.frames}.onnx`);
  if (!/\.onnx$/i.test(out)) throw usageError(`--out must name an .onnx file, got "${options.out}"`);
  const specFile = out.replace(/\.onnx$/i, '') + '.borex.json';
  const warnings: string[] = [];

  let wrap: ClipWrapResult;
  try {
    wrap = wrapAsClipModel(new Uint8Array(fs.readFileSync(resolved.file)), { frames: options.frames, height: resolved.spec.height, width: resolved.spec.width });
  } catch (err) {
    if (err instanceof ClipWrapRefusal || err instanceof CamHeadRefusal) throw modelError(resolved.file, `cannot be wrapped as a clip classifier: ${err.message}`, err);
    throw modelError(resolved.file, `cannot be read as an ONNX model: ${err instanceof Error ? err.message : err}`, err);
  }

  // the labels: kept where they are when beside the output, otherwise copied beside it
  let labels: ModelSpec['labels'] = resolved.spec.labels;
  let labelsCopy: { from: string; to: string } | undefined;
  if (resolved.labelsFile) {
    if (path.dirname(resolved.labelsFile) === path.dirname(out)) labels = path.basename(resolved.labelsFile);
    else {
      const to = out.replace(/\.onnx$/i, '') + '.labels.txt';
      labelsCopy = { from: resolved.labelsFile, to };
      labels = path.basename(to);
    }
  } else if (typeof labels === 'string') {
    warnings.push(`labels file "${labels}" of ${resolved.name} was not found; the sidecar names it as is`);
  }

  const targets = [out, specFile, ...(labelsCopy ? [labelsCopy.to] : [])];
  const existing = targets.filter((f) => fs.existsSync(f));
  if (existing.length && !options.force) throw usageError(`${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}; give --force to overwrite`);

  const checkedOutputDims = await checkRuns(wrap, resolved.file);
  const spec: ClipModelSpec = {
    ...clipModelSpec(resolved.spec, wrap, labels),
    wrappedFrom: { model: path.basename(resolved.file), sha256: resolved.sha256, featureTensor: wrap.imageHead.featureTensor, dequantisedHead: wrap.dequantisedHead },
  };

  fs.mkdirSync(path.dirname(out), { recursive: true });
  const temps: Array<{ tmp: string; final: string }> = [];
  const stage = (final: string, data: Uint8Array | string) => {
    const tmp = `${final}.${process.pid}.tmp`;
    temps.push({ tmp, final });
    fs.writeFileSync(tmp, data);
  };
  try {
    stage(out, wrap.bytes);
    stage(specFile, JSON.stringify(spec, null, 2) + '\n');
    if (labelsCopy) stage(labelsCopy.to, fs.readFileSync(labelsCopy.from));
    for (const { tmp, final } of temps) fs.renameSync(tmp, final);
  } catch (err) {
    for (const { tmp } of temps) fs.rmSync(tmp, { force: true });
    throw new BorexError('runtime', `cannot write ${out}: ${err instanceof Error ? err.message : err}`, { cause: err });
  }
  const { bytes: _bytes, imageHead: _head, ...summary } = wrap;
  return { onnx: out, specFile, labelsFile: labelsCopy?.to, spec, wrap: summary, checkedOutputDims, warnings };
}

/** Opens the clip graph in onnxruntime and runs two blank clips: the batch must stay dynamic. */
async function checkRuns(wrap: ClipWrapResult, imageFile: string): Promise<number[]> {
  const dims = [2, 3, wrap.frames, wrap.height, wrap.width];
  try {
    const session = await ort.InferenceSession.create(wrap.bytes, { executionProviders: ['cpu'] });
    try {
      const input = new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
      const res = await session.run({ [wrap.inputName]: input }, [wrap.outputName]);
      const got = res[wrap.outputName].dims.map(Number);
      if (got.length !== 2 || got[0] !== 2 || got[1] !== wrap.classes) throw new Error(`a batch of 2 clips gave output dims [${got.join(',')}], expected [2,${wrap.classes}]`);
      return got;
    } finally {
      await session.release();
    }
  } catch (err) {
    throw modelError(imageFile, `its clip version does not run in onnxruntime (${err instanceof Error ? err.message : err}); nothing was written`, err);
  }
}
