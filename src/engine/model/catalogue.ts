import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TORCHVISION_DEFAULTS, type ModelSpec } from './spec.ts';

/** The project's own resources (bundled default model, sample scenes). */
export const RESOURCES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../resources');

export interface CatalogueEntry {
  name: string;
  file: string;
  sha256: string;
  description: string;
  /** https source for `borex models download`; absent for models that only come from a model directory. */
  url?: string;
  /** Bundled with the project under resources/models (always available offline). */
  bundled?: boolean;
  spec: ModelSpec;
}

const IMAGENET_SPEC: ModelSpec = { ...TORCHVISION_DEFAULTS, output: 'logits', labels: 'imagenet1k_classes_ILSVRC2012.txt' };

export const CATALOGUE: readonly CatalogueEntry[] = [
  {
    name: 'shapes-v1',
    file: 'shapes-v1.onnx',
    sha256: '43d2788498d95c7ae22f7a3a21d2e56ae9204359019cb2c7dfcb6e33febb7d02',
    description: "The project's own small shape classifier (112×112), trained on synthetic scenes with exact object masks; the model of the demo scenes (npm run demo) and of tests that need a toy model.",
    bundled: true,
    // The bundled sidecar shapes-v1.borex.json is the authority; this is only a fallback.
    spec: { ...TORCHVISION_DEFAULTS, height: 112, width: 112, resize: 'stretch', cropFraction: 1, output: 'logits', labels: 'shapes-v1.labels.txt' },
  },
  {
    name: 'motion-v1',
    file: 'motion-v1.onnx',
    sha256: 'dd5334fd9148e9687f8d6129375f81ec83b35d3873c07310557582233c53166f',
    description: "The project's own tiny 3-D CNN for clips (16×64×64, NCTHW): the direction a moving object takes among look-alike distractors (left/right/up/down), trained on synthetic clips with exact per-frame boxes.",
    bundled: true,
    // The bundled sidecar motion-v1.borex.json is the authority; this is only a fallback.
    spec: { ...TORCHVISION_DEFAULTS, layout: 'NCTHW', frames: 16, height: 64, width: 64, resize: 'stretch', cropFraction: 1, valueRange: [0, 1], sampling: 'uniform', mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25], output: 'logits', labels: 'motion-v1.labels.txt' },
  },
  {
    name: 'mobilenetv2-12-int8',
    file: 'mobilenetv2-12-int8.onnx',
    sha256: '83530ad811bc31d2b60a5599a21265a5057608c9b044b4ee758cc22f2309f54f',
    description: 'ONNX Model Zoo MobileNetV2, ImageNet-1k, int8 quantised (opset 12), Apache-2.0; bundled, the default for photos.',
    url: 'https://github.com/onnx/models/raw/main/validated/vision/classification/mobilenet/model/mobilenetv2-12-int8.onnx',
    // Bundled byte for byte (resources/models/mobilenetv2-12-int8.md); its sidecar names the bundled labels.
    bundled: true,
    spec: IMAGENET_SPEC,
  },
  {
    name: 'mobilenetv2-float32',
    file: 'mobilenetv2-float32.onnx',
    sha256: '18f8b33b42a1d1acda6cbb13b4d677edba491fb07cb891085e6ded41d98d4941',
    description: 'The same MobileNetV2 in float32 (weights dequantised from the int8 file), for white-box work on a float graph.',
    spec: IMAGENET_SPEC,
  },
];

/**
 * The model for photos when none is named (CLI, serve and the app): a real ImageNet classifier, so
 * a user's photo gets real classes. The toy shape model stays the model of the bundled demo scenes.
 */
export const DEFAULT_MODEL = 'mobilenetv2-12-int8';

/** The model `npm run demo` explains the bundled sample scenes with (they are drawn for it). */
export const DEMO_MODEL = 'shapes-v1';

export function catalogueEntry(name: string): CatalogueEntry | undefined {
  return CATALOGUE.find((e) => e.name === name || e.file === name);
}
