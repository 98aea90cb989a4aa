/**
 * serve's engine process (worker/process-host.ts): relays jobs from the server to a worker
 * thread running the engine, as the app's utilityProcess does. Ends with the server: when the IPC
 * channel closes (the server stopped, or was killed) this process exits.
 */
import '../no-telemetry.ts'; // first: ORT_DISABLE_TELEMETRY before the worker starts
import type { FromHost, HostSettings, ToHost } from './protocol.ts';
import { relayJobs } from './relay.ts';
import { WorkerHost } from './worker-host.ts';

const settings = JSON.parse(process.env.BOREX_HOST_SETTINGS || '{}') as HostSettings;
const host = new WorkerHost({ settings });
const send = (m: FromHost) => process.send?.(m);
process.on('message', relayJobs(host, send) as (m: unknown) => void);
// Not host.close(): stopping the worker thread mid-run would abort with onnxruntime's message.
process.on('disconnect', () => process.exit(0));
