import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { PathKind } from '../shared/calls.ts';
import { ApiError } from '../shared/errors.ts';
import { checkUserPath } from './paths.ts';

/** Tokens kept at most (oldest forgotten first): a page cannot grow main's memory without bound. */
const MAX_GRANTS = 4096;

/**
 * Path capabilities. The file calls of the table (openImage, openPrior, openFolder, probeMedia, …
 * and openModel's files) take an opaque token, never a path: main mints one when a file reaches it
 * as the user's choice — a drop or the page's file chooser, whose File the preload turns into a
 * path with webUtils.getPathForFile (only a File the user gave the page has one) and hands to
 * main on its own channel (IPC.grantFile) — and the call redeems it. A path string sent to a file
 * call is refused, so script in the page cannot read, list or probe a path it names itself: it
 * has no ipcRenderer (context isolation) and the preload's functions take Files only.
 * A token is redeemed as the call's kind and re-checked then (existence, file/folder, extension,
 * symlinks resolved: paths.ts), so a token for a photo cannot open it as a model spec.
 *
 * The limit, stated plainly: a compromised renderer process (code execution in it, not just in the
 * page) can send the grant channel any path, as it could any IPC; Electron gives main no way to
 * see a drop. The fuses, the sandbox and the sender check are what stand against that.
 */
export class PathGrants {
  private readonly granted = new Map<string, string>();

  /** A token for a file or folder the user chose or dropped (its real path, checked to exist). */
  mint(value: unknown): string {
    if (typeof value !== 'string' || value.length === 0 || value.length > 4096 || value.includes('\0')) throw new ApiError('bad-request', 'not a chosen file (a dropped or chosen file has a path on this computer)');
    if (!path.isAbsolute(value)) throw new ApiError('bad-request', `${value}: not an absolute path`);
    let real: string;
    try {
      real = fs.realpathSync(value);
    } catch {
      throw new ApiError('bad-input', `${value}: no such file or folder`);
    }
    const token = crypto.randomBytes(18).toString('base64url');
    this.granted.set(token, real);
    if (this.granted.size > MAX_GRANTS) this.granted.delete(this.granted.keys().next().value!);
    return token;
  }

  /** The real path a token grants; a path string, or a token main never minted, is refused. */
  pathOf(token: unknown): string {
    if (typeof token !== 'string' || token.length === 0) throw new ApiError('bad-request', 'not a file token');
    const granted = this.granted.get(token);
    if (granted !== undefined) return granted;
    if (token.includes('/') || token.includes('\\') || path.isAbsolute(token)) {
      throw new ApiError('forbidden', 'a path from the page is refused: a file reaches main as a token, minted when the user chooses or drops it');
    }
    throw new ApiError('forbidden', 'not a file token main gave out (a file must be chosen or dropped again)');
  }

  /** The granted path, re-checked as `kind` (paths.ts). */
  resolve(token: unknown, kind: PathKind): string {
    return checkUserPath(this.pathOf(token), kind);
  }
}
