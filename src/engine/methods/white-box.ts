import { BorexError, modelError } from '../errors.ts';
import { checkReconstruction, computeCam, type CamMethod } from './gradcam.ts';
import type { ExplainTarget } from './target.ts';
import { spatialDims } from '../tensor/dims.ts';

/**
 * Grad-CAM / Grad-CAM++ in closed form from one model call that also returns the feature map.
 * Refuses when the head's reconstruction mean(A)·W + b does not reproduce the model's logits:
 * then the map would explain some other function than the model.
 */
export async function whiteBoxMap(target: ExplainTarget, method: CamMethod): Promise<Float32Array> {
  const { classifier, x, dims, label } = target;
  if (!classifier.camSession) throw new BorexError('model', `${classifier.name}: white-box priors need an ONNX model file; use a black-box prior`);
  const session = await classifier.camSession();
  const run = await session.run(x, [1, ...dims]);
  const check = checkReconstruction(session.head, run.features, run.featureDims, run.logits);
  if (!check.ok) {
    throw modelError(
      classifier.name,
      `the GAP + linear head found at "${session.head.featureTensor}" does not reproduce the model's logits (max error ${check.maxAbsError.toPrecision(3)} > ${check.allowed.toPrecision(3)}); use a black-box prior`,
    );
  }
  if (session.head.rank !== 4) throw modelError(classifier.name, 'this model has a video (5-D) head; image Grad-CAM needs a 4-D feature map');
  return computeCam(session.head, run.features, run.featureDims, label, { method, size: spatialDims(dims) });
}
