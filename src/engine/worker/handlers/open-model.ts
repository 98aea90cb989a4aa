import { inputDims } from '../../model/spec.ts';
import { elementCount } from '../../tensor/dims.ts';
import type { ModelCache } from '../model-cache.ts';
import type { ModelSource, OpenedModel } from '../protocol.ts';

/**
 * Opens a model and runs it once on a blank input: a file onnxruntime can open but not run, or
 * that is not a classifier of its input (photos or clips), fails here with the engine's reason instead of at the first photo.
 */
export async function openModel(source: ModelSource, models: ModelCache): Promise<OpenedModel> {
  const { loaded, warnings } = await models.open(source);
  const { classifier, resolved } = loaded;
  const { height, width, layout, resize } = classifier.spec;
  // One input of the model's own dims: [C,H,W] for a photo model, [C,T,H,W] for a clip model.
  await classifier.classify(new Float32Array(elementCount(inputDims(classifier.spec))), 1);
  return { name: resolved.name, file: resolved.file, classes: classifier.numClasses, input: { height, width, layout, resize }, specSource: resolved.specSource, labelsFile: resolved.labels?.length === classifier.numClasses ? resolved.labelsFile : undefined, warnings };
}
