import path from 'node:path';
import { findLabelsFile, readLabelsFile, resolveModel, type ResolvedModel } from './model-store.ts';
import { OnnxClassifier, type OnnxClassifierOptions } from './onnx-classifier.ts';
import type { ModelSpec } from './spec.ts';

export interface LoadedModel {
  resolved: ResolvedModel;
  classifier: OnnxClassifier;
}

/**
 * Label files that name the classes of any model with that many outputs and no labels of its own:
 * Kinetics-400 for 400 (the video models in the wild are Kinetics-trained). Found like every
 * labels file: next to the model, in the model directories, or in their sibling `labels/`.
 */
const LABELS_BY_CLASS_COUNT: Record<number, string> = { 400: 'kinetics400_classes.txt' };

export function labelsForClassCount(classes: number, modelFile: string): string[] | undefined {
  const name = LABELS_BY_CLASS_COUNT[classes];
  const file = name ? findLabelsFile(name, [path.dirname(modelFile)]) : undefined;
  const labels = file ? readLabelsFile(file) : undefined;
  return labels?.length === classes ? labels : undefined;
}

/** Resolves a model name or path (offline first) and opens an onnxruntime session for it. */
export async function loadModel(nameOrPath: string, overrides: Partial<ModelSpec> = {}, options: OnnxClassifierOptions = {}): Promise<LoadedModel> {
  const resolved = resolveModel(nameOrPath, overrides);
  if (!resolved.labels && resolved.spec.labels) {
    options.onWarning?.(`labels file "${String(resolved.spec.labels)}" for ${resolved.name} not found next to the model or in BOREX_MODEL_DIR/../labels; classes are shown by index`);
  }
  const classifier = await OnnxClassifier.load(resolved.file, resolved.spec, resolved.labels, { labelsForClasses: (n) => labelsForClassCount(n, resolved.file), ...options });
  return { resolved, classifier };
}
