import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiBackend } from '../../app/backend.ts';
import { ProcessHost } from '../../engine/worker/process-host.ts';
import { intOption, parse } from '../args.ts';
import { startServer, type RunningServer } from '../serve/server.ts';
import { usageError } from '../../engine/errors.ts';

export const SERVE_USAGE = `borex serve [--port N] [--threads N] [--runs DIR] [--max-video-bytes N]
  the app's UI in a browser on 127.0.0.1 (nothing leaves this machine); the first line on stdout
  is the URL with its access token. Photos are uploaded; single results stay in a temporary
  directory for the session; batch runs go to --runs DIR (default ./borex-runs, where
  \`borex batch\` writes too), whose past runs the Batch view reopens. Ctrl-C or SIGTERM stops
  it and removes the session's files. A video upload is streamed to disk and refused (413) past
  --max-video-bytes (default 2147483648, 2 GiB).`;

/** The built renderer: out/renderer at the repository root, or BOREX_UI_DIR. */
export const UI_DIR = process.env.BOREX_UI_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../out/renderer');

export async function serveCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { values } = parse(argv, { port: { type: 'string' }, threads: { type: 'string' }, runs: { type: 'string' }, 'max-video-bytes': { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    console.log(SERVE_USAGE);
    return 0;
  }
  const port = intOption(values.port, 'port', 0);
  if (port !== undefined && port > 65535) throw usageError(`--port must be 0 (any free port) to 65535, got ${port}`);
  const threads = intOption(values.threads, 'threads', 1);
  const maxVideoBytes = intOption(values['max-video-bytes'], 'max-video-bytes', 1);
  // The session folder holds the user's uploads: it goes with the server however it stops — Ctrl-C
  // or SIGTERM (the abort below), a failed start, or a crash ('exit' runs after an uncaught error).
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'borex-serve-'));
  const removeWorkDir = () => fs.rmSync(workDir, { recursive: true, force: true });
  process.once('exit', removeWorkDir);
  // The engine in its own process: stopping a worker thread inside onnxruntime aborts the whole
  // process (worker/process-host.ts), so a killed or stuck engine must not share the server's.
  const host = new ProcessHost({ settings: { threads } });
  const backend = new ApiBackend(host, workDir, 'http', { runsDir: path.resolve(values.runs ?? 'borex-runs') });
  let stopping = false;
  try {
    let server: RunningServer;
    try {
      server = await startServer({ backend, uiDir: UI_DIR, port, maxVideoBytes });
    } catch (err) {
      throw startError(err, port);
    }
    process.stdout.write(`${server.url}\n`);
    if (!fs.existsSync(path.join(UI_DIR, 'index.html'))) process.stderr.write(`warning: the UI is not built (${UI_DIR}); run \`npm run build:ui\`\n`);
    process.stderr.write(`borex serve: listening on 127.0.0.1:${server.port} (Ctrl-C or SIGTERM to stop); session files in ${workDir}\n`);
    await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
    await server.close();
    stopping = true;
  } finally {
    // Stopping: running jobs are cancelled and may end cleanly (a batch releases its run.lock).
    await backend.close(stopping ? STOP_GRACE_MS : 0);
    removeWorkDir();
    process.off('exit', removeWorkDir);
  }
  return 0;
}

/** How long a stopping server waits for its cancelled jobs to end before it stops the engine. */
const STOP_GRACE_MS = 10_000;

/** Why the server could not listen, as a usage error naming the port (not a raw errno). */
function startError(err: unknown, port: number | undefined): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return usageError(`--port ${port}: that port is already in use on 127.0.0.1; choose another, or 0 for any free port`);
  if (code === 'EACCES') return usageError(`--port ${port}: not allowed to listen on that port (ports below 1024 need privileges); choose another, or 0`);
  if (code === 'ERR_SOCKET_BAD_PORT') return usageError(`--port must be 0 (any free port) to 65535, got ${port}`);
  return err;
}
