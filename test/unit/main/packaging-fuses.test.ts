/**
 * The packaging's afterPack step (packaging/after-pack.mjs) against a file that carries Electron's
 * fuse wire as Electron lays it out: the 32-byte sentinel, a version byte (1), a length byte, then
 * one byte per fuse ('0' off, '1' on, 'r' removed). Read back byte by byte, not through
 * @electron/fuses, so a wrong option index or state fails here.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import afterPack, { packedBinary } from '../../../packaging/after-pack.mjs';
import { FUSE_SETTINGS } from '../../../packaging/fuses.mjs';
import config from '../../../electron-builder.config.mjs';
import { tempDir } from '../../helpers/cli.ts';

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron 45's wire as shipped: RunAsNode 1, CookieEncryption 0, NodeOptions 1, Inspect 1, AsarIntegrity 0, OnlyAsar 0, V8Snapshot 0, FileProtocol 1, WasmTrap 1. */
const SHIPPED = '101100011';

function fakeElectron(file: string, wire = SHIPPED): { before: Buffer; wireAt: number } {
  const head = crypto.randomBytes(4096);
  const tail = crypto.randomBytes(4096);
  const before = Buffer.concat([head, Buffer.from(SENTINEL, 'latin1'), Buffer.from([1, wire.length]), Buffer.from(wire, 'latin1'), tail]);
  fs.writeFileSync(file, before);
  return { before, wireAt: head.length + SENTINEL.length + 2 };
}

function readWire(file: string): { version: number; wire: string } {
  const bytes = fs.readFileSync(file);
  const at = bytes.indexOf(Buffer.from(SENTINEL, 'latin1'));
  expect(at).toBeGreaterThanOrEqual(0);
  expect(bytes.indexOf(Buffer.from(SENTINEL, 'latin1'), at + 1)).toBe(-1);
  const version = bytes[at + SENTINEL.length];
  const length = bytes[at + SENTINEL.length + 1];
  return { version, wire: bytes.subarray(at + SENTINEL.length + 2, at + SENTINEL.length + 2 + length).toString('latin1') };
}

const linuxContext = (appOutDir: string) => ({ appOutDir, electronPlatformName: 'linux', arch: 1, packager: { appInfo: { productFilename: 'BOREx Studio' }, executableName: 'borex-studio' } });

describe('Electron fuses after packing', () => {
  it('sets RunAsNode, NODE_OPTIONS and --inspect off, cookie encryption, ASAR integrity and ASAR-only on; nothing else changes', async () => {
    const dir = tempDir('fuses-');
    const binary = path.join(dir, 'borex-studio');
    const { before, wireAt } = fakeElectron(binary);
    expect(packedBinary(linuxContext(dir))).toBe(binary);
    await afterPack(linuxContext(dir));
    const { version, wire } = readWire(binary);
    expect(version).toBe(1);
    // index: 0 RunAsNode, 1 CookieEncryption, 2 NodeOptions, 3 Inspect, 4 AsarIntegrity, 5 OnlyAsar, 6–8 as shipped
    expect(wire).toBe('010011011');
    const after = fs.readFileSync(binary);
    expect(after.length).toBe(before.length);
    const changed = [...after.keys()].filter((i) => after[i] !== before[i]);
    expect(changed).toEqual([0, 1, 2, 3, 4, 5].map((i) => wireAt + i));
    expect(FUSE_SETTINGS.map(([name]) => name)).toEqual(['RunAsNode', 'EnableNodeOptionsEnvironmentVariable', 'EnableNodeCliInspectArguments', 'EnableCookieEncryption', 'EnableEmbeddedAsarIntegrityValidation', 'OnlyLoadAppFromAsar']);
  });

  it('a binary without the fuse sentinel, or with a wire of another version, fails the pack', async () => {
    const dir = tempDir('fuses-');
    const binary = path.join(dir, 'borex-studio');
    fakeElectron(binary);
    const bytes = fs.readFileSync(binary);
    bytes[bytes.indexOf(Buffer.from(SENTINEL, 'latin1')) + SENTINEL.length] = 2;
    fs.writeFileSync(binary, bytes);
    await expect(afterPack(linuxContext(dir))).rejects.toThrow('does not match');
    fs.writeFileSync(binary, crypto.randomBytes(8192));
    await expect(afterPack(linuxContext(dir))).rejects.toThrow('Could not find sentinel');
  });

  it('the binary is found per platform; the packaging config downloads nothing and runs the hook', () => {
    const ctx = (p: string) => ({ ...linuxContext('/o'), electronPlatformName: p });
    expect(packedBinary(ctx('win32'))).toBe(path.join('/o', 'BOREx Studio.exe'));
    expect(packedBinary(ctx('darwin'))).toBe(path.join('/o', 'BOREx Studio.app'));
    expect(config.afterPack).toBe('./packaging/after-pack.mjs');
    expect(config.electronDist).toBe('node_modules/electron/dist');
    expect(config.npmRebuild).toBe(false);
    expect(config.asar).toBe(true);
    const lock = fs.readFileSync(path.join(__dirname, '../../../package-lock.json'), 'utf8');
    const resolved = [...lock.matchAll(/"resolved": "([^"]+)"/g)].map((m) => m[1]).filter((u) => !u.startsWith('https://registry.npmjs.org/'));
    expect(resolved).toEqual([]);
  });
});
