/**
 * Which of the files a user chose or dropped together make up one model: the .onnx, and optionally
 * its spec (a .json, the sidecar NAME.borex.json) and its labels (a .txt, one class name a line).
 * Used by both transports' openModel, so a browser and the app read a selection alike.
 */
import { ApiError } from './errors.ts';

export interface ModelFiles<T> {
  model: T;
  spec?: T;
  labels?: T;
}

export const isModelFile = (name: string) => /\.onnx$/i.test(name);
export const isSpecFile = (name: string) => /\.json$/i.test(name);
export const isLabelsFile = (name: string) => /\.txt$/i.test(name);

export function pickModelFiles<T>(files: readonly T[], nameOf: (f: T) => string): ModelFiles<T> {
  const of = (test: (n: string) => boolean) => files.filter((f) => test(nameOf(f)));
  const [models, specs, labels] = [of(isModelFile), of(isSpecFile), of(isLabelsFile)];
  const others = files.filter((f) => ![isModelFile, isSpecFile, isLabelsFile].some((t) => t(nameOf(f))));
  if (models.length !== 1) throw new ApiError('bad-input', models.length === 0 ? 'choose an .onnx model (with its NAME.borex.json spec and labels .txt if it has them)' : 'open one .onnx model at a time');
  if (specs.length > 1) throw new ApiError('bad-input', `one spec (.borex.json) per model, got ${specs.map(nameOf).join(', ')}`);
  if (labels.length > 1) throw new ApiError('bad-input', `one labels file (.txt) per model, got ${labels.map(nameOf).join(', ')}`);
  if (others.length) throw new ApiError('bad-input', `${others.map(nameOf).join(', ')}: not part of a model (.onnx, .borex.json, .txt)`);
  return { model: models[0], spec: specs[0], labels: labels[0] };
}
