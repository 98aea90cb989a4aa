import { asBorexError } from '../errors.ts';
import type { FromHost, ToHost } from './protocol.ts';
import type { EngineHost } from './worker-host.ts';

/**
 * A process that only relays jobs to an engine host inside it (the app's utilityProcess, serve's
 * engine process): each job from outside runs on `host`, its progress, result or error sent back
 * under the outside's seq; a cancel reaches the inner job (at once, through the worker's shared flag).
 * Returns the handler for messages from outside.
 */
export function relayJobs(host: EngineHost, send: (m: FromHost) => void): (m: ToHost) => void {
  const inner = new Map<number, number>(); // the outside's seq → the inner host's seq
  return (data) => {
    if (data.type === 'cancel') {
      const seq = inner.get(data.seq);
      if (seq !== undefined) host.cancel(seq);
      return;
    }
    const outer = data.seq;
    const { seq, result } = host.run(data.job, (progress) => send({ type: 'progress', seq: outer, progress }));
    inner.set(outer, seq);
    result
      .then(
        (value) => send({ type: 'result', seq: outer, value }),
        (err: unknown) => {
          const e = asBorexError(err);
          send({ type: 'error', seq: outer, kind: e.kind, message: e.message });
        },
      )
      .finally(() => inner.delete(outer));
  };
}
