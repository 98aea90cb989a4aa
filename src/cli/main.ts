import '../engine/no-telemetry.ts'; // first: ORT_DISABLE_TELEMETRY before onnxruntime or a worker starts
import { asBorexError, EXIT_CODES, usageError } from '../engine/errors.ts';
import { EXPLAIN_USAGE, explainCommand } from './commands/explain.ts';
import { MODELS_USAGE, modelsCommand } from './commands/models.ts';
import { demoCommand } from './commands/demo.ts';
import { BATCH_USAGE, batchCommand } from './commands/batch.ts';
import { COMPARE_USAGE, compareCommand } from './commands/compare.ts';
import { MERGE_USAGE, mergeCommand } from './commands/merge.ts';
import { SERVE_USAGE, serveCommand } from './commands/serve.ts';
import { VIDEO_USAGE, videoCommand } from './commands/video.ts';

const USAGE = `borex — explain image and video classifiers offline (RISE, PN-RISE, Grad-CAM++, BOREx, BO)

${EXPLAIN_USAGE}

${VIDEO_USAGE}

${MODELS_USAGE}

${BATCH_USAGE}

${COMPARE_USAGE}

${MERGE_USAGE}

borex demo [--out DIR]           explain the bundled sample scenes with the built-in model

${SERVE_USAGE}

Exit codes: 0 ok, 2 usage, 3 bad input file, 4 model problem, 5 runtime failure, 130 cancelled
(Ctrl-C), 143 stopped by SIGTERM.`;

/** The exit code of a command stopped by SIGTERM (128 + 15), as a shell reports a killed one. */
export const EXIT_SIGTERM = 143;

/** Runs one CLI command; returns the exit code. Errors are printed once, as one line. */
export async function main(argv: string[]): Promise<number> {
  // Ctrl-C and SIGTERM (how Slurm, Kubernetes and systemd stop a job) cancel the same way: the
  // command's signal aborts, it stops between batches, releases its locks and temp files, and the
  // exit code says which: 130 for SIGINT, 143 (128 + 15) for SIGTERM. A second signal kills at once.
  const controller = new AbortController();
  let stoppedBy: 'SIGINT' | 'SIGTERM' | undefined;
  const onSignal = (sig: 'SIGINT' | 'SIGTERM') => {
    stoppedBy ??= sig;
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const json = argv.includes('--json');
  try {
    const [command, ...rest] = argv;
    switch (command) {
      case 'explain':
        return await explainCommand(rest, controller.signal);
      case 'video':
        return await videoCommand(rest, controller.signal);
      case 'models':
        return await modelsCommand(rest);
      case 'demo':
        return await demoCommand(rest, controller.signal);
      case 'batch':
        return await batchCommand(rest, controller.signal);
      case 'compare':
        return await compareCommand(rest);
      case 'merge':
        return await mergeCommand(rest);
      case 'serve':
        return await serveCommand(rest, controller.signal);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return command === undefined ? EXIT_CODES.usage : 0;
      default:
        throw usageError(`unknown command "${command}"; try borex --help`);
    }
  } catch (err) {
    const e = asBorexError(err);
    if (json) process.stderr.write(JSON.stringify({ type: 'error', kind: e.kind, message: e.message }) + '\n');
    else process.stderr.write(`borex: ${e.kind === 'cancelled' ? 'cancelled' : 'error'}: ${e.message}\n`);
    if (e.kind === 'runtime' && process.env.BOREX_DEBUG && e.cause instanceof Error) process.stderr.write(`${e.cause.stack}\n`);
    return e.kind === 'cancelled' && stoppedBy === 'SIGTERM' ? EXIT_SIGTERM : EXIT_CODES[e.kind];
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
