import { fork, type ChildProcess } from 'node:child_process';
import type { FromHost, HostSettings } from './protocol.ts';
import { QueueHost, type HostChannel, type QueueHostOptions } from './worker-host.ts';

export interface ProcessHostOptions extends QueueHostOptions {
  settings?: HostSettings;
}

/**
 * The engine in a child process (which runs it in a worker thread: process-entry.ts), for
 * `borex serve`. A thread alone is not enough isolation: stopping a worker thread while
 * onnxruntime is inside a run aborts the WHOLE process ("terminate called after throwing an
 * instance of 'Napi::Error'", SIGABRT), so a job that ignored its cancel, or an engine killed for
 * any reason, took the server, every job and the session folder with it. A child process can be
 * killed (SIGKILL) and restarted with only its job failing, as the app's utilityProcess is.
 */
export class ProcessHost extends QueueHost {
  /** The pid of each engine process started, in order (the last is the current one). */
  readonly pids: number[] = [];

  constructor(options: ProcessHostOptions = {}) {
    super(() => processChannel(options, this.pids), options);
  }
}

function processChannel(options: ProcessHostOptions, pids: number[]): HostChannel {
  const child: ChildProcess = fork(new URL('./process-entry.mjs', import.meta.url), [], {
    // Structured clone over IPC: maps travel as Float32Array, not JSON.
    serialization: 'advanced',
    env: { ...process.env, ORT_DISABLE_TELEMETRY: '1', BOREX_HOST_SETTINGS: JSON.stringify(options.settings ?? {}) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  if (child.pid !== undefined) pids.push(child.pid);
  return {
    post: (m) => child.send(m),
    listen(onMessage, onExit) {
      child.on('message', (m) => onMessage(m as FromHost));
      child.on('error', (err) => onExit(`the engine process failed: ${err.message}`));
      child.on('exit', (code, signal) => onExit(`the engine process stopped unexpectedly (${signal ? `killed by ${signal}` : `exit code ${code}`})`));
    },
    kill: () => void child.kill('SIGKILL'),
  };
}
