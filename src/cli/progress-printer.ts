import type { ProgressEvent } from '../engine/progress.ts';

/**
 * `--json`: one JSON line per event on stderr. Otherwise a single self-updating line on a TTY.
 * The JSON lines spell durations as result.json does (`eta_ms`, like `timing.total_ms`): that is the
 * CLI's public format (docs/architecture.md, "CLI contract"), so the engine's `etaMs` is renamed here, once.
 */
export function progressPrinter(json: boolean): (e: ProgressEvent) => void {
  let lastLine = 0;
  return (e) => {
    if (json) {
      process.stderr.write(JSON.stringify({ type: 'progress', stage: e.stage, done: e.done, total: e.total, eta_ms: e.etaMs === undefined ? null : Math.round(e.etaMs) }) + '\n');
      return;
    }
    if (!process.stderr.isTTY) return;
    const now = Date.now();
    if (now - lastLine < 100 && e.done < e.total) return;
    lastLine = now;
    const eta = e.etaMs === undefined ? '' : ` ~${Math.ceil(e.etaMs / 1000)}s left`;
    process.stderr.write(`\r${e.stage}: ${e.done}/${e.total}${eta}   ${e.done >= e.total ? '\n' : ''}`);
  };
}
