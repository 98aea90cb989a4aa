import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURE_MODELS = path.join(ROOT, 'test/fixtures/models');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `borex ...` as a real child process, as a user would. */
export function borex(args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/borex.mjs'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

let tempRoot: string | undefined;

/** A fresh directory under one temp root per test file; test/setup.ts removes the root afterwards. */
export function tempDir(prefix = 'borex-test-'): string {
  tempRoot ??= fs.mkdtempSync(path.join(os.tmpdir(), 'borex-tests-'));
  return fs.mkdtempSync(path.join(tempRoot, prefix));
}

export function removeTempDirs(): void {
  if (tempRoot) fs.rmSync(tempRoot, { recursive: true, force: true });
  tempRoot = undefined;
}

/** Reads a float32 .npy written by the engine (format 1.0): its shape and values. */
export function readNpy(file: string): { shape: number[]; data: Float32Array } {
  const buf = fs.readFileSync(file);
  const headerLength = buf.readUInt16LE(8);
  const header = buf.subarray(10, 10 + headerLength).toString('latin1');
  if (!/'descr':\s*'<f4'/.test(header)) throw new Error(`${file}: not little-endian float32: ${header}`);
  const shape = header.match(/'shape':\s*\(([^)]*)\)/)![1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const body = buf.subarray(10 + headerLength);
  return { shape, data: new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.length)) };
}
