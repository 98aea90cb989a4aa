/**
 * The utilityProcess's entry: relays jobs from main to a worker thread running the engine
 * (engine/worker/worker.ts, built beside this file as engine-worker.js).
 */
import '../../engine/no-telemetry.ts'; // first: ORT_DISABLE_TELEMETRY before the worker starts
import { relayJobs } from '../../engine/worker/relay.ts';
import { WorkerHost } from '../../engine/worker/worker-host.ts';
import type { FromHost, ToHost } from '../../engine/worker/protocol.ts';

const port = process.parentPort;
const host = new WorkerHost({
  entry: new URL('./engine-worker.js', import.meta.url),
  settings: { threads: Number(process.env.BOREX_THREADS) || undefined, executionProvider: (process.env.BOREX_PROVIDER as 'cpu' | 'cuda' | 'webgpu' | undefined) || undefined },
});
const relay = relayJobs(host, (m: FromHost) => port.postMessage(m));
port.on('message', ({ data }: { data: ToHost }) => relay(data));
