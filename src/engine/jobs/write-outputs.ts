import fs from 'node:fs';
import path from 'node:path';
import { renderOverlay } from '../render/overlay.ts';
import { encodeNpy } from '../render/npy.ts';
import type { ExplainOutcome } from './explain.ts';

/** Writes bytes to a temp name in the same directory, then renames: readers never see a half file. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/**
 * result.json, saliency.npy (float32 H×W at the model's input resolution) and overlay.png (on the
 * photo). Everything is rendered in memory first, so a failure leaves no partial output behind.
 */
export async function writeExplainOutputs(outDir: string, outcome: ExplainOutcome): Promise<string[]> {
  const { result, map, photo, geometry } = outcome;
  const overlay = await renderOverlay(photo, map, geometry, {
    colormap: result.signed ? 'diverging' : 'turbo',
    symmetric: result.signed,
    title: `${result.method}: ${result.label.name} (${(result.label.probability * 100).toFixed(1)}%)`,
  });
  const npy = encodeNpy(map, [result.model.input.height, result.model.input.width]);
  const json = JSON.stringify(result, null, 2) + '\n';
  fs.mkdirSync(outDir, { recursive: true });
  const files = [path.join(outDir, 'saliency.npy'), path.join(outDir, 'overlay.png'), path.join(outDir, 'result.json')];
  writeFileAtomic(files[0], npy);
  writeFileAtomic(files[1], overlay);
  writeFileAtomic(files[2], json);
  return files;
}
