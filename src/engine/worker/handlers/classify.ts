import path from 'node:path';
import type { ClassifyResponse } from '../../../shared/api.ts';
import { decodeImage } from '../../image/decode.ts';
import { preprocess } from '../../image/preprocess.ts';
import { topK } from '../../model/classifier.ts';
import { shortLabel } from '../../model/labels.ts';
import type { ModelCache } from '../model-cache.ts';
import type { ModelSource } from '../protocol.ts';

/** The model's top 5 for one photo, and every class's name and probability (the UI's class search). */
export async function classify(image: string, model: ModelSource, models: ModelCache): Promise<ClassifyResponse> {
  const { classifier, resolved } = await models.get(model);
  const input = await preprocess(await decodeImage(image, path.basename(image)), classifier.spec);
  const p = await classifier.classify(input.tensor, 1);
  const top5 = topK(p, 5).map((index) => ({ index, name: shortLabel(classifier.labels[index] ?? String(index)), probability: p[index] }));
  const labels = Array.from({ length: classifier.numClasses }, (_, i) => shortLabel(classifier.labels[i] ?? String(i)));
  const probabilities = Array.from(p.subarray(0, classifier.numClasses), (v) => Number(v.toPrecision(4)));
  return { model: resolved.name, top5, numClasses: classifier.numClasses, labels, probabilities };
}
