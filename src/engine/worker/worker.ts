/** worker_threads entry of the engine host (started through worker-entry.mjs, which loads tsx). */
import '../no-telemetry.ts'; // harmless in a thread (its host process sets it); first if ever run as a process
import { parentPort, workerData } from 'node:worker_threads';
import { serveJobs } from './job-server.ts';
import type { HostSettings, ToHost } from './protocol.ts';

const data = workerData as { settings?: HostSettings; cancelFlag?: SharedArrayBuffer };
if (!parentPort) throw new Error('engine host: not started as a worker');
const port = parentPort;
serveJobs(
  { post: (m) => port.postMessage(m), onMessage: (l) => port.on('message', (m: ToHost) => l(m)) },
  data.settings,
  data.cancelFlag && new Int32Array(data.cancelFlag),
);
