/**
 * 3-D Grad-CAM / Grad-CAM++ through the method (white-box.ts), as the registry calls it: a clip
 * target [3,T,H,W] on the r3d_18 fixtures (torchvision VideoResNet, 5-D feature map 32×2×3×3)
 * gives PyTorch autograd's map trilinearly upsampled to T×H×W (tools/graph/export_cam_models.py,
 * F.interpolate(mode='trilinear', align_corners=False)); the wrong rank is refused by name.
 */
import { describe, expect, it } from 'vitest';
import { createCamSession } from '../../../src/engine/model/graph/index.ts';
import type { Classifier } from '../../../src/engine/model/classifier.ts';
import { whiteBoxMap } from '../../../src/engine/methods/white-box.ts';
import { computeMap } from '../../../src/engine/methods/registry.ts';
import { methodConfig } from '../../../src/engine/methods/config.ts';
import type { ExplainTarget } from '../../../src/engine/methods/target.ts';
import { manifest, maxAbsDiff, readBytes, readF32, type CamCase } from '../graph/fixtures.ts';

const cases = manifest.cases.filter((c): c is CamCase => c.kind === 'cam');
const video = cases.filter((c) => c.rank === 5);

/** Only what the white-box method uses: the name and a white-box session on the fixture's bytes. */
function camOnly(onnx: string): Classifier {
  const session = createCamSession(readBytes(onnx));
  return {
    name: onnx,
    camSession: () => session,
    classify: () => Promise.reject(new Error('white-box maps make no classify() call')),
  } as unknown as Classifier;
}

function target(c: CamCase, onnx = c.onnx): ExplainTarget {
  const x = readF32(c.input);
  return { classifier: camOnly(onnx), dims: c.inputDims.slice(1), x, baseline: new Float32Array(x.length), label: c.target };
}

describe.each(video)('3-D Grad-CAM(++) of $name through the method', (c) => {
  it('equals PyTorch autograd upsampled trilinearly to T×H×W within 1e-4', async () => {
    expect(c.inputDims.slice(1)).toEqual([3, 16, 40, 40]);
    expect(c.featureDims).toEqual([1, 32, 2, 3, 3]);
    const t = target(c);
    for (const [method, file] of [['gradcam', c.gradcam], ['gradcam++', c.gradcampp]] as const) {
      const map = await whiteBoxMap(t, method);
      expect(map).toHaveLength(16 * 40 * 40);
      expect(maxAbsDiff(map, readF32(file))).toBeLessThan(1e-4);
    }
    const out = await computeMap(t, methodConfig({ method: 'gradcampp', preset: 'default' }));
    expect(out.dims).toEqual([16, 40, 40]);
    expect(maxAbsDiff(out.map, readF32(c.gradcampp))).toBeLessThan(1e-4);
  });
});

describe('the feature map must match the input rank', () => {
  it('refuses an image (4-D) head for a clip target, naming the model and both ranks', async () => {
    const image = cases.find((c) => c.name === 'resnet18')!;
    const real = await createCamSession(readBytes(image.onnx));
    try {
      // A one-frame clip [3,1,H,W] whose session runs the image model on the same values: the
      // head and its logits are real, only the ranks disagree.
      const session = { head: real.head, run: (x: Float32Array) => real.run(x, image.inputDims), release: () => Promise.resolve() };
      const classifier = { name: 'resnet18.onnx', camSession: () => Promise.resolve(session) } as unknown as Classifier;
      const x = readF32(image.input);
      const [, c, h, w] = image.inputDims;
      const clip: ExplainTarget = { classifier, dims: [c, 1, h, w], x, baseline: new Float32Array(x.length), label: image.target };
      await expect(whiteBoxMap(clip, 'gradcam++')).rejects.toThrow(
        "resnet18.onnx: Grad-CAM of a clip needs a video (5-D) feature map [N,K,t,h,w]; this model's head pools a 4-D feature map",
      );
    } finally {
      await real.release();
    }
  });
});
