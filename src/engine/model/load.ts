import { resolveModel, type ResolvedModel } from './model-store.ts';
import { OnnxClassifier, type OnnxClassifierOptions } from './onnx-classifier.ts';
import type { ModelSpec } from './spec.ts';

export interface LoadedModel {
  resolved: ResolvedModel;
  classifier: OnnxClassifier;
}

/** Resolves a model name or path (offline first) and opens an onnxruntime session for it. */
export async function loadModel(nameOrPath: string, overrides: Partial<ModelSpec> = {}, options: OnnxClassifierOptions = {}): Promise<LoadedModel> {
  const resolved = resolveModel(nameOrPath, overrides);
  if (!resolved.labels && resolved.spec.labels) {
    options.onWarning?.(`labels file "${String(resolved.spec.labels)}" for ${resolved.name} not found next to the model or in BOREX_MODEL_DIR/../labels; classes are shown by index`);
  }
  const classifier = await OnnxClassifier.load(resolved.file, resolved.spec, resolved.labels, options);
  return { resolved, classifier };
}
