import fs from 'node:fs';
import path from 'node:path';
import { renderOverlay } from '../render/overlay.ts';
import { encodeNpy } from '../render/npy.ts';
import type { ExplainOutcome } from './explain.ts';

/** Writes bytes to a temp name in the same directory, then renames: readers never see a half file. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (err) {
    // A full disk (ENOSPC) or a quota leaves a partial temp file: never leave it behind.
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** Every file `writeExplainOutputs` may write (result.json first: it marks a folder complete). */
export const EXPLAIN_OUTPUT_FILES = ['result.json', 'saliency.npy', 'overlay.png', 'prior.npy', 'prior-overlay.png', 'uncertainty.npy'] as const;

/** Removes an earlier run's outputs from a folder about to be written again (result.json first). */
export function removeOutputs(outDir: string, names: readonly string[]): void {
  for (const name of names) fs.rmSync(path.join(outDir, name), { force: true });
}

/**
 * result.json, saliency.npy (float32 H×W at the model's input resolution) and overlay.png (on the
 * photo). Everything is rendered in memory first, so a failure leaves no partial output behind.
 * `replace`: the folder may hold an earlier run; its outputs are removed once the new ones are
 * ready, so a stale prior.npy never sits beside a result without a prior.
 */
export async function writeExplainOutputs(outDir: string, outcome: ExplainOutcome, options: { replace?: boolean } = {}): Promise<string[]> {
  const { result, map, priorMap, uncertainty, photo, geometry } = outcome;
  const shape = [result.model.input.height, result.model.input.width];
  const draw = (m: Float32Array, method: string, signed: boolean) =>
    renderOverlay(photo, m, geometry, {
      colormap: signed ? 'diverging' : 'turbo',
      symmetric: signed,
      title: `${method}: ${result.label.name} (${(result.label.probability * 100).toFixed(1)}%)`,
    });
  // Rendered in full before anything is written; result.json goes last (it marks completeness).
  const outputs: [string, string | Uint8Array][] = [
    ['saliency.npy', encodeNpy(map, shape)],
    ['overlay.png', await draw(map, result.method, result.signed)],
  ];
  if (priorMap && result.prior) {
    outputs.push(['prior.npy', encodeNpy(priorMap, shape)], ['prior-overlay.png', await draw(priorMap, `prior ${result.prior.method}`, result.prior.signed)]);
  }
  // BOREx/BO: the posterior σ per pixel, aggregated like the map (float32 H×W).
  if (uncertainty) outputs.push(['uncertainty.npy', encodeNpy(uncertainty, shape)]);
  outputs.push(['result.json', JSON.stringify(result, null, 2) + '\n']);
  fs.mkdirSync(outDir, { recursive: true });
  if (options.replace) removeOutputs(outDir, EXPLAIN_OUTPUT_FILES);
  return outputs.map(([name, data]) => {
    const file = path.join(outDir, name);
    writeFileAtomic(file, data);
    return file;
  });
}
