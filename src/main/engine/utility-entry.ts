/**
 * The utilityProcess's entry: relays jobs from main to a worker thread running the engine
 * (engine/worker/worker.ts, built beside this file as engine-worker.js).
 */
import '../../engine/no-telemetry.ts'; // first: ORT_DISABLE_TELEMETRY before the worker starts
import { WorkerHost } from '../../engine/worker/worker-host.ts';
import type { FromHost, ToHost } from '../../engine/worker/protocol.ts';
import { asBorexError } from '../../engine/errors.ts';

const port = process.parentPort;
const host = new WorkerHost({
  entry: new URL('./engine-worker.js', import.meta.url),
  settings: { threads: Number(process.env.BOREX_THREADS) || undefined, executionProvider: (process.env.BOREX_PROVIDER as 'cpu' | 'cuda' | 'webgpu' | undefined) || undefined },
});
const inner = new Map<number, number>(); // main's seq → the worker host's seq
const post = (m: FromHost) => port.postMessage(m);

port.on('message', ({ data }: { data: ToHost }) => {
  if (data.type === 'cancel') {
    const seq = inner.get(data.seq);
    if (seq !== undefined) host.cancel(seq);
    return;
  }
  const outer = data.seq;
  const { seq, result } = host.run(data.job, (progress) => post({ type: 'progress', seq: outer, progress }));
  inner.set(outer, seq);
  result.then(
    (value) => post({ type: 'result', seq: outer, value }),
    (err: unknown) => {
      const e = asBorexError(err);
      post({ type: 'error', seq: outer, kind: e.kind, message: e.message });
    },
  ).finally(() => inner.delete(outer));
});
