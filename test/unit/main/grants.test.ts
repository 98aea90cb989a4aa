/**
 * Path capabilities (src/main/grants.ts): file calls take a token main minted for a file the user
 * dropped or chose; a path string from the page is refused, as is a token main never gave out;
 * a token is re-checked as the kind of the call that redeems it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PathGrants } from '../../../src/main/grants.ts';
import { ApiError } from '../../../src/shared/errors.ts';
import { tempDir } from '../../helpers/cli.ts';

function refusal(run: () => unknown): { kind: string; message: string } {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return { kind: (err as ApiError).kind, message: (err as ApiError).message };
  }
  throw new Error('accepted');
}

describe('path grants', () => {
  const dir = tempDir('grants-');
  const photo = path.join(dir, 'a.png');
  fs.writeFileSync(photo, 'x');
  fs.symlinkSync(photo, path.join(dir, 'link.png'));

  it('mints an opaque token for an existing path and redeems it for the real path, as the call\'s kind', () => {
    const g = new PathGrants();
    const token = g.mint(path.join(dir, 'link.png'));
    expect(token).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(token).not.toContain('a.png');
    expect(g.pathOf(token)).toBe(fs.realpathSync(photo));
    expect(g.resolve(token, 'image')).toBe(fs.realpathSync(photo));
    expect(refusal(() => g.resolve(token, 'spec'))).toEqual({ kind: 'bad-input', message: `${fs.realpathSync(photo)}: not a model spec (.borex.json)` });
    expect(g.resolve(g.mint(dir), 'folder')).toBe(fs.realpathSync(dir));
    expect(new PathGrants().mint(photo)).not.toBe(g.mint(photo)); // fresh each time, never derived from the path
  });

  it('refuses a path string, a token it never minted, and grants of what is not a path', () => {
    const g = new PathGrants();
    g.mint(photo);
    expect(refusal(() => g.resolve(photo, 'image'))).toEqual({ kind: 'forbidden', message: 'a path from the page is refused: a file reaches main as a token, minted when the user chooses or drops it' });
    expect(refusal(() => g.resolve('C:\\Users\\me\\a.png', 'image')).kind).toBe('forbidden');
    expect(refusal(() => g.resolve('AAAAAAAAAAAAAAAAAAAAAAAA', 'image'))).toEqual({ kind: 'forbidden', message: 'not a file token main gave out (a file must be chosen or dropped again)' });
    expect(refusal(() => new PathGrants().resolve(g.mint(photo), 'image')).kind).toBe('forbidden'); // another main's token
    expect(refusal(() => g.pathOf(42)).kind).toBe('bad-request');
    expect(refusal(() => g.mint('a.png'))).toEqual({ kind: 'bad-request', message: 'a.png: not an absolute path' });
    expect(refusal(() => g.mint(path.join(dir, 'none.png')))).toEqual({ kind: 'bad-input', message: `${path.join(dir, 'none.png')}: no such file or folder` });
    expect(refusal(() => g.mint('/x\0y')).kind).toBe('bad-request');
    expect(refusal(() => g.mint({ path: photo })).kind).toBe('bad-request');
  });

  it('keeps at most 4096 tokens, forgetting the oldest', () => {
    const g = new PathGrants();
    const first = g.mint(photo);
    const second = g.mint(photo);
    for (let i = 0; i < 4095; i++) g.mint(photo);
    expect(refusal(() => g.pathOf(first)).kind).toBe('forbidden');
    expect(g.pathOf(second)).toBe(fs.realpathSync(photo));
  });
});
