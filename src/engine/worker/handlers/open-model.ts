import type { ModelCache } from '../model-cache.ts';
import type { ModelSource, OpenedModel } from '../protocol.ts';

/**
 * Opens a model and runs it once on a blank input: a file onnxruntime can open but not run, or
 * that is not an image classifier, fails here with the engine's reason instead of at the first photo.
 */
export async function openModel(source: ModelSource, models: ModelCache): Promise<OpenedModel> {
  const { loaded, warnings } = await models.open(source);
  const { classifier, resolved } = loaded;
  const { height, width, layout, resize } = classifier.spec;
  await classifier.classify(new Float32Array(3 * height * width), 1);
  return { name: resolved.name, file: resolved.file, classes: classifier.numClasses, input: { height, width, layout, resize }, specSource: resolved.specSource, labelsFile: resolved.labels?.length === classifier.numClasses ? resolved.labelsFile : undefined, warnings };
}
