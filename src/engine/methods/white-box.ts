import { BorexError, modelError } from '../errors.ts';
import { checkReconstruction, computeCam, type CamMethod } from './gradcam.ts';
import type { ExplainTarget } from './target.ts';
import { spatialDims } from '../tensor/dims.ts';

/**
 * Grad-CAM / Grad-CAM++ in closed form from one model call that also returns the feature map.
 * Refuses when the head's reconstruction mean(A)·W + b does not reproduce the model's logits:
 * then the map would explain some other function than the model. Rank-generic: an image
 * [C,H,W] needs a 4-D feature map [N,K,h,w] (bilinear upsampling to H×W), a clip [C,T,H,W] a 5-D
 * one [N,K,t,h,w] (trilinear to T×H×W, half-pixel centres, as F.interpolate).
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
  const rank = dims.length + 1;
  if (run.featureDims.length !== rank) {
    const what = (r: number) => (r === 5 ? 'a video (5-D) feature map [N,K,t,h,w]' : `a ${r}-D feature map`);
    throw modelError(classifier.name, `Grad-CAM of ${dims.length === 4 ? 'a clip' : 'an image'} needs ${what(rank)}; this model's head pools ${what(run.featureDims.length)}`);
  }
  return computeCam(session.head, run.features, run.featureDims, label, { method, size: spatialDims(dims) });
}
