import { afterEach, describe, expect, it } from 'vitest';
import { WorkerHost } from '../../../src/engine/worker/worker-host.ts';
import type { HostJob } from '../../../src/engine/worker/protocol.ts';

const job = (image: string): HostJob => ({ kind: 'classify', image, model: { key: 'fake' } });
const entry = new URL('./fake-worker.mjs', import.meta.url);

describe('WorkerHost', () => {
  let host: WorkerHost | undefined;
  afterEach(() => host?.close());

  it('runs jobs in order with progress', async () => {
    host = new WorkerHost({ entry });
    const stages: string[] = [];
    const a = host.run(job('a'), (p) => stages.push(p.stage));
    const b = host.run(job('b'));
    expect(await a.result).toMatchObject({ image: 'a' });
    expect(await b.result).toMatchObject({ image: 'b' });
    expect(stages).toEqual(['fake']);
  });

  it('reports a crash as a failed job and restarts for the next one', async () => {
    host = new WorkerHost({ entry });
    const crashed = host.run(job('crash'));
    const next = host.run(job('after'));
    await expect(crashed.result).rejects.toMatchObject({ kind: 'runtime', message: expect.stringMatching(/stopped unexpectedly \(exit code 3\).*restarted/) });
    expect(await next.result).toMatchObject({ image: 'after' });
    expect(host.restarts).toBe(1);
  });

  it('cancels through shared memory while the worker never yields', async () => {
    host = new WorkerHost({ entry });
    const slow = host.run(job('slow'));
    await new Promise((r) => setTimeout(r, 100));
    const t = performance.now();
    expect(host.cancel(slow.seq)).toBe(true);
    await expect(slow.result).rejects.toMatchObject({ kind: 'cancelled' });
    expect(performance.now() - t).toBeLessThan(2000);
    expect(host.restarts).toBe(0);
  });

  it('terminates a worker stuck in one long call after the grace period', async () => {
    host = new WorkerHost({ entry, cancelGraceMs: 200 });
    const hung = host.run(job('hang'));
    await new Promise((r) => setTimeout(r, 100));
    host.cancel(hung.seq);
    await expect(hung.result).rejects.toMatchObject({ kind: 'cancelled' });
    expect(await host.run(job('alive')).result).toMatchObject({ image: 'alive' });
  });

  it('restarts its worker at once when idle (new settings), without counting it as a crash', async () => {
    host = new WorkerHost({ entry });
    const first = (await host.run(job('a')).result) as unknown as { worker: number };
    expect(host.restart()).toBe('now');
    const second = (await host.run(job('b')).result) as unknown as { worker: number };
    expect(second.worker).not.toBe(first.worker);
    expect(host.restarts).toBe(0);
  });

  it('restarts after the running job, which finishes normally', async () => {
    host = new WorkerHost({ entry });
    const busy = host.run(job('busy'));
    await new Promise((r) => setTimeout(r, 50));
    expect(host.restart()).toBe('after-job');
    const done = (await busy.result) as unknown as { worker: number; image: string };
    expect(done.image).toBe('busy');
    const next = (await host.run(job('next')).result) as unknown as { worker: number };
    expect(next.worker).not.toBe(done.worker);
    expect(host.restarts).toBe(0);
  });

  it('cancels a queued job without running it', async () => {
    host = new WorkerHost({ entry });
    const first = host.run(job('first'));
    const queued = host.run(job('queued'));
    expect(host.cancel(queued.seq)).toBe(true);
    await expect(queued.result).rejects.toMatchObject({ kind: 'cancelled' });
    expect(await first.result).toMatchObject({ image: 'first' });
  });
});
