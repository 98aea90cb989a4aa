/**
 * Where the ffmpeg and ffprobe executables are. FFMPEG_PATH / FFPROBE_PATH win; else the static
 * binaries inside @ffmpeg-installer/ffmpeg and @ffprobe-installer/ffprobe (GPLv3, shipped as
 * separate executables). In a packaged Electron app they live in app.asar.unpacked (list both
 * packages in asarUnpack). ffprobe is published with mode 0744: when we cannot execute it, it is
 * copied once into the user cache with mode 0755.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { BorexError } from '../../errors.ts';

export type Tool = 'ffmpeg' | 'ffprobe';

const PACKAGES: Record<Tool, string> = {
  ffmpeg: '@ffmpeg-installer/ffmpeg',
  ffprobe: '@ffprobe-installer/ffprobe',
};
const ENV: Record<Tool, string> = { ffmpeg: 'FFMPEG_PATH', ffprobe: 'FFPROBE_PATH' };

/** A path inside app.asar cannot be executed; its unpacked twin can. Pure. */
export function unpackedPath(p: string): string {
  return p.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}

/** The cache folder for fixed-up binaries: BOREX_CACHE_DIR, else ~/.cache/borex. Pure. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.BOREX_CACHE_DIR || path.join(os.homedir(), '.cache', 'borex');
}

export function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Returns `file` if we may execute it; else a copy in `dir` with mode 0755 (made once, named by
 * size and mtime so an upgraded package gets a fresh copy).
 */
export function ensureExecutable(file: string, dir: string, canExecute: (p: string) => boolean = isExecutable): string {
  if (canExecute(file)) return file;
  const st = fs.statSync(file);
  const copy = path.join(dir, `${path.basename(file)}-${st.size}-${Math.floor(st.mtimeMs)}`);
  if (!fs.existsSync(copy) || !canExecute(copy)) {
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${copy}.${process.pid}.tmp`;
    fs.copyFileSync(file, tmp);
    fs.chmodSync(tmp, 0o755);
    fs.renameSync(tmp, copy);
  }
  return copy;
}

const require = createRequire(import.meta.url);
const resolved = new Map<Tool, string>();

/** The executable for `tool`, resolved once per process. Throws a runtime BorexError saying how to fix it. */
export function binaryPath(tool: Tool, env: NodeJS.ProcessEnv = process.env): string {
  const cached = resolved.get(tool);
  if (cached) return cached;
  let file = env[ENV[tool]];
  if (file) {
    if (!fs.existsSync(file)) throw new BorexError('runtime', `${ENV[tool]}=${file}: no such file`);
  } else {
    try {
      file = unpackedPath((require(PACKAGES[tool]) as { path: string }).path);
    } catch (err) {
      // @ffmpeg-installer throws a bare string when its platform package is missing.
      const why = err instanceof Error ? err.message : String(err);
      throw new BorexError(
        'runtime',
        `${tool} is not available: ${PACKAGES[tool]} has no binary for ${os.platform()}-${os.arch()} (${why}). ` +
          `Reinstall with optional dependencies, or set ${ENV[tool]} to an ${tool} executable.`,
        { cause: err },
      );
    }
  }
  const usable = ensureExecutable(file, cacheDir(env));
  resolved.set(tool, usable);
  return usable;
}

/** Forgets resolved paths (tests that change the environment). */
export function resetBinaryCache(): void {
  resolved.clear();
}
