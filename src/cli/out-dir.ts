import fs from 'node:fs';
import path from 'node:path';
import { usageError } from '../engine/errors.ts';

/**
 * `explain --out` / `video --out`, checked before any computing: a new or empty folder, or with
 * `--force` a folder whose old results will be replaced (the writer removes the files it writes,
 * so a stale prior.npy cannot sit beside a new RISE result); never a file, and a place this
 * process can write (probed by creating and removing a hidden folder). `batch` and `merge` refuse
 * an existing run folder the same way.
 */
export function checkOutDir(dir: string, force: boolean, command: 'explain' | 'video'): void {
  const abs = path.resolve(dir);
  const stat = statOf(abs);
  if (stat && !stat.isDirectory()) throw usageError(`--out ${dir}: exists and is not a folder`);
  if (stat) {
    const entries = fs.readdirSync(abs);
    if (entries.length > 0 && !force) {
      const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? ', …' : '');
      throw usageError(`--out ${dir} is not empty (${shown}); ${command} writes into a new or empty folder so that the results of two runs never mix: choose another --out, or add --force to replace the ${command} results in it`);
    }
  }
  // The folder itself, or the nearest existing folder above it (where it will be created).
  let at = abs;
  while (!statOf(at)) at = path.dirname(at);
  if (!statOf(at)!.isDirectory()) throw usageError(`--out ${dir}: ${at} is a file, not a folder`);
  try {
    fs.rmdirSync(fs.mkdtempSync(path.join(at, '.borex-write-test-')));
  } catch (err) {
    throw usageError(`--out ${dir}: cannot write in ${at} (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
}

function statOf(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined; // ENOTDIR: under a file, found on the way up
    throw usageError(`--out ${p}: cannot use it (${code ?? err})`);
  }
}
