import fs from 'node:fs';
import { ApiError } from '../shared/errors.ts';
import { CATALOGUE } from '../engine/model/catalogue.ts';
import { resolveModel, sha256File } from '../engine/model/model-store.ts';
import type { ModelSource } from '../engine/worker/protocol.ts';
import type { UserModels } from './user-models.ts';

/**
 * The model a run was made with, found again to resume the run. run.json records the model's name,
 * path and sha256; a file with those bytes is that model wherever it is now. Looked for, in order:
 *
 *  1. a model the user opened in this session (it brings the labels file the user chose, which
 *     run.json does not record; the engine checks the class names against the run's items);
 *  2. a catalogue model as the engine finds it now (model directory, cache, bundled);
 *  3. the very file the run used, where it still is (e.g. `borex batch --model PATH`).
 *
 * A model uploaded to an earlier `borex serve` session is gone with that session: the user is told
 * to open it again.
 */
export function findRunModel(runId: string, recorded: { name: string; path: string; sha256: string }, userModels: Pick<UserModels, 'find'>, env: NodeJS.ProcessEnv): { source: ModelSource; file: string } {
  const opened = userModels.find(recorded.name, recorded.sha256);
  if (opened?.file) return { source: opened, file: opened.file };
  if (CATALOGUE.some((e) => e.name === recorded.name)) {
    try {
      const found = resolveModel(recorded.name, {}, env);
      if (found.sha256 === recorded.sha256) return { source: { key: recorded.name }, file: found.file };
    } catch {
      /* not on this machine (or damaged): look further */
    }
  }
  if (sameBytes(recorded.path, recorded.sha256)) return { source: { key: recorded.path, file: recorded.path }, file: recorded.path };
  throw new ApiError('bad-input', `cannot resume run ${runId}: missing the model it used, ${recorded.name} (${recorded.path}, sha256 ${recorded.sha256.slice(0, 12)}…); open that .onnx again (Open your own model…), then resume`);
}

function sameBytes(file: string, sha256: string): boolean {
  try {
    return fs.statSync(file).isFile() && sha256File(file) === sha256;
  } catch {
    return false;
  }
}
