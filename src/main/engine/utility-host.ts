import type { UtilityProcess } from 'electron';
import { QueueHost, type HostChannel, type QueueHostOptions } from '../../engine/worker/worker-host.ts';
import type { FromHost } from '../../engine/worker/protocol.ts';

type Fork = (modulePath: string, args?: string[], options?: { serviceName?: string; env?: NodeJS.ProcessEnv; stdio?: 'inherit' | 'pipe' | 'ignore' }) => UtilityProcess;

/**
 * The engine in an Electron utilityProcess (a crash there never takes the window down). Inside it,
 * the jobs run in a worker thread, so a cancel reaches them at once. If the process dies, its job
 * fails with a message and the next job starts a fresh one.
 */
export function utilityHost(fork: Fork, entry: string, env: () => NodeJS.ProcessEnv, options: QueueHostOptions = {}): QueueHost {
  return new QueueHost(() => utilityChannel(fork, entry, env()), { cancelGraceMs: 15_000, ...options });
}

function utilityChannel(fork: Fork, entry: string, env: NodeJS.ProcessEnv): HostChannel {
  const child = fork(entry, [], { serviceName: 'BOREx engine', env, stdio: 'inherit' });
  return {
    post: (m) => child.postMessage(m),
    listen(onMessage, onExit) {
      child.on('message', (m: FromHost) => onMessage(m));
      child.on('exit', (code) => onExit(`the engine process stopped unexpectedly (exit code ${code})`));
    },
    kill: () => void child.kill(),
  };
}
