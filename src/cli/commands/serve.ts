import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiBackend } from '../../app/backend.ts';
import { WorkerHost } from '../../engine/worker/worker-host.ts';
import { intOption, parse } from '../args.ts';
import { startServer } from '../serve/server.ts';

export const SERVE_USAGE = `borex serve [--port N] [--threads N] [--runs DIR]
  the app's UI in a browser on 127.0.0.1 (nothing leaves this machine); the first line on stdout
  is the URL with its access token. Photos are uploaded; single results stay in a temporary
  directory for the session; batch runs go to --runs DIR (default ./borex-runs, where
  \`borex batch\` writes too), whose past runs the Batch view reopens. Ctrl-C stops it.`;

/** The built renderer: out/renderer at the repository root, or BOREX_UI_DIR. */
export const UI_DIR = process.env.BOREX_UI_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../out/renderer');

export async function serveCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { values } = parse(argv, { port: { type: 'string' }, threads: { type: 'string' }, runs: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    console.log(SERVE_USAGE);
    return 0;
  }
  const port = intOption(values.port, 'port', 0);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'borex-serve-'));
  const host = new WorkerHost({ settings: { threads: intOption(values.threads, 'threads', 1) } });
  const backend = new ApiBackend(host, workDir, 'http', { runsDir: path.resolve(values.runs ?? 'borex-runs') });
  const server = await startServer({ backend, uiDir: UI_DIR, port });
  process.stdout.write(`${server.url}\n`);
  if (!fs.existsSync(path.join(UI_DIR, 'index.html'))) process.stderr.write(`warning: the UI is not built (${UI_DIR}); run \`npm run build:ui\`\n`);
  process.stderr.write(`borex serve: listening on 127.0.0.1:${server.port} (Ctrl-C to stop); session files in ${workDir}\n`);
  await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
  await server.close();
  await backend.close();
  fs.rmSync(workDir, { recursive: true, force: true });
  return 0;
}
