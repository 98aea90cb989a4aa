/**
 * The one place ffmpeg and ffprobe are started. Every run honours an AbortSignal (cancel kills
 * the child by pid with SIGKILL and waits for it to exit, so no orphan remains), keeps the tail of
 * stderr for error messages, and exposes stdout as a stream (frames, progress or JSON).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { BorexError } from '../../errors.ts';
import { parseVersion, type FfmpegVersion } from './args.ts';
import { binaryPath, type Tool } from './binaries.ts';

/** How much of stderr is kept (its end: the last error is what matters). */
const STDERR_KEEP = 64 * 1024;

export interface RunOptions {
  signal?: AbortSignal;
  /** Called with each stderr line (progress parsers). */
  onStderrLine?: (line: string) => void;
}

export interface Running {
  child: ChildProcessWithoutNullStreams;
  pid: number;
  stdout: NodeJS.ReadableStream;
  stdin: NodeJS.WritableStream;
  /** Resolves with stderr once the child exits with 0; rejects on failure or cancel. */
  done: Promise<{ stderr: string }>;
  /** Kills the child (idempotent) and resolves once it has exited. */
  kill(): Promise<void>;
}

/** A tool exited non-zero: `stderr` holds its last words for the caller to turn into a message. */
export class ToolFailure extends Error {
  constructor(
    readonly tool: Tool,
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(`${tool} failed (exit ${code}): ${lastLines(stderr, 3) || 'no message'}`);
    this.name = 'ToolFailure';
  }
}

export function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join(' | ');
}

export function startTool(tool: Tool, args: readonly string[], options: RunOptions = {}): Running {
  const { signal } = options;
  if (signal?.aborted) throw new BorexError('cancelled', 'cancelled');
  const child = spawn(binaryPath(tool), args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
  let stderr = '';
  let pending = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => {
    stderr = (stderr + s).slice(-STDERR_KEEP);
    if (!options.onStderrLine) return;
    pending += s;
    const lines = pending.split(/\r\n|\r|\n/);
    pending = lines.pop() ?? '';
    for (const line of lines) options.onStderrLine(line);
  });
  // A child that dies early makes writes to stdin fail with EPIPE: the exit code tells the story.
  child.stdin.on('error', () => {});
  let cancelled = false;
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', (err) => reject(new BorexError('runtime', `could not start ${tool}: ${err.message}`, { cause: err })));
    child.once('close', (code) => resolve(code));
  });
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child.stdout.destroy(); // a paused, unread stdout would hold 'close' back
    await exited.catch(() => {});
  };
  const onAbort = () => {
    cancelled = true;
    void kill();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const done = exited
    .then((code) => {
      if (cancelled) throw new BorexError('cancelled', 'cancelled');
      if (code !== 0) throw new ToolFailure(tool, code, stderr);
      return { stderr };
    })
    .finally(() => signal?.removeEventListener('abort', onAbort));
  done.catch(() => {}); // callers await it; never an unhandled rejection when they bail out first
  return { child, pid: child.pid ?? -1, stdout: child.stdout, stdin: child.stdin, done, kill };
}

/** Runs a tool to completion and returns its whole stdout as text (probe JSON, -version). */
export async function runTool(tool: Tool, args: readonly string[], options: RunOptions = {}): Promise<{ stdout: string; stderr: string }> {
  const run = startTool(tool, args, options);
  const chunks: Buffer[] = [];
  run.stdout.on('data', (c: Buffer) => chunks.push(c));
  const { stderr } = await run.done;
  return { stdout: Buffer.concat(chunks).toString('utf8'), stderr };
}

let version: Promise<FfmpegVersion> | undefined;

/** `ffmpeg -version`, run once per process; picks flags such as -vsync vs -fps_mode. */
export function ffmpegVersion(): Promise<FfmpegVersion> {
  version ??= runTool('ffmpeg', ['-version']).then((r) => parseVersion(r.stdout));
  version.catch(() => (version = undefined));
  return version;
}
