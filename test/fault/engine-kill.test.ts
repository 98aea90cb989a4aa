/**
 * Fault suite: the engine killed mid-job. serve runs its engine in a child process
 * (src/engine/worker/process-host.ts; it was a worker thread, and stopping a thread inside
 * onnxruntime aborts the whole server with "terminate called after throwing an instance of
 * 'Napi::Error'" — found by this test). Here a real `borex serve` gets a long RISE job; once it
 * reports progress its engine process is sent SIGKILL. The job must fail with a message, the
 * server must keep answering, a new engine process must take the next job, and that job and the
 * one queued behind the killed one must finish. Three rounds. In the app the engine is an
 * Electron utilityProcess (mocked here): killed mid-job (exit 137), the same must hold.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { JobEvent } from '../../src/shared/api.ts';
import { ROOT, tempDir } from '../helpers/cli.ts';
import { jobEvents, serveForTests } from './child.ts';

const png = fs.readFileSync(path.join(ROOT, 'resources/samples/shapes-01-circle.png'));

/** The pids of a process's children (Linux /proc). */
function childrenOf(pid: number): number[] {
  const tasks = fs.readdirSync(`/proc/${pid}/task`);
  return tasks.flatMap((t) => fs.readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
}

describe('the engine killed mid-job (fault suite)', () => {
  const live = serveForTests();

  it("serve's engine process killed with SIGKILL mid-job: the job fails with a message, the engine restarts, the queued and the next jobs finish", async () => {
    const serve = live();
    const { ws, events } = await jobEvents(serve);
    const end = (jobId: string) => events.find((e) => e.jobId === jobId && e.type !== 'progress');
    const wait = async (jobId: string) => {
      await vi.waitFor(() => expect(end(jobId)).toBeDefined(), { timeout: 120_000, interval: 50 });
      return end(jobId)!;
    };
    const image = (await serve.upload('images', 'circle.png', png)).json as { id: string };
    const base = { imageId: image.id, model: 'shapes-v1', prior: 'none', preset: 'paper' };
    const start = async (more: object) => ((await serve.api('explain', { ...base, ...more })).json as { jobId: string }).jobId;
    const pid = serve.child.pid!;

    const cases = 3;
    let survived = 0;
    for (let round = 0; round < cases; round++) {
      const long = await start({ method: 'rise', advanced: { masks: 20_000 } });
      const queued = await start({ method: 'gradcam' });
      await vi.waitFor(() => expect(events.some((e) => e.jobId === long && e.type === 'progress' && (e as { done?: number }).done! > 0)).toBe(true), { timeout: 120_000, interval: 20 });
      const engines = childrenOf(pid);
      expect(engines).toHaveLength(1);
      process.kill(engines[0], 'SIGKILL');
      const failed = await wait(long);
      const next = await wait(queued);
      const after = await wait(await start({ method: 'gradcam' }));
      const info = await serve.api('info');
      const now = childrenOf(pid);
      const ok =
        failed.type === 'failed' &&
        (failed as { message: string }).message === 'the engine process stopped unexpectedly (killed by SIGKILL); it will be restarted for the next job' &&
        next.type === 'done' &&
        after.type === 'done' &&
        info.status === 200 &&
        now.length === 1 &&
        now[0] !== engines[0];
      if (ok) survived++;
      else console.info('lost round', round, failed, next.type, after.type, info.status, engines, now);
    }
    ws.close();
    console.info(`FAULT-FIGURES engine killed mid-job (serve's engine process, SIGKILL): tried ${cases}, survived ${survived}, lost ${cases - survived}`);
    expect(survived).toBe(cases);
    expect(serve.child.exitCode).toBeNull();
  }, 300_000);

  it("the app's utility process killed mid-job (Electron mocked): failed with a message, a new process, the next job fine", async () => {
    const { bootstrap } = await import('../../src/main/app.ts');
    const { IPC } = await import('../../src/shared/ipc.ts');
    const { fakeElectron, grantOf, senderEvent } = await import('../unit/main/fake-electron.ts');
    const dir = tempDir('app-kill-');
    fs.mkdirSync(path.join(dir, 'ui'));
    fs.writeFileSync(path.join(dir, 'ui', 'index.html'), '<!doctype html>');
    // The engine process as a script: classify answers; explain reports progress and runs until killed.
    const f = fakeElectron({
      userData: path.join(dir, 'user'),
      engine: (m) => {
        if (m.type !== 'job') return undefined;
        if (m.job.kind === 'classify') return { type: 'result', seq: m.seq, value: { model: 'shapes-v1', top5: [{ index: 0, name: 'circle', probability: 0.9 }], numClasses: 6, labels: ['circle', 'square', 'triangle', 'star', 'cross', 'ring'], probabilities: [0.9, 0.02, 0.02, 0.02, 0.02, 0.02] } };
        if (m.job.kind === 'explain') return { type: 'progress', seq: m.seq, event: { stage: 'masks', done: 10, total: 1000 } } as never;
        return undefined;
      },
    });
    bootstrap(f.electron, { uiDir: path.join(dir, 'ui'), preload: '/p.cjs', engineEntry: '/e.js' }, ['electron']);
    await new Promise((r) => setTimeout(r, 20));
    const call = (channel: string, arg?: unknown) => f.handlers.get(channel)!(senderEvent(), arg) as Promise<{ ok: { id: string; jobId: string } }>;
    const photo = path.join(dir, 'circle.png');
    fs.writeFileSync(photo, png);
    const image = (await call(IPC.openImagePath, await grantOf(f.handlers, photo))).ok;
    const sent = () => f.windows[0].webContents.send.mock.calls.filter((c) => c[0] === IPC.jobEvent).map((c) => c[1] as JobEvent);
    const { jobId } = (await call(IPC.explain, { imageId: image.id, model: 'shapes-v1', method: 'rise', prior: 'none', preset: 'paper' })).ok;
    await vi.waitFor(() => expect(sent().some((e) => e.jobId === jobId && e.type === 'progress')).toBe(true));
    f.children[0].emit('exit', 137); // SIGKILL
    await vi.waitFor(() => expect(sent()).toContainEqual({ type: 'failed', jobId, kind: 'runtime', message: expect.stringMatching(/engine process stopped unexpectedly \(exit code 137\).*restarted/) }));
    const classified = call(IPC.classify, { imageId: image.id, model: 'shapes-v1' });
    await vi.waitFor(() => expect(f.children).toHaveLength(2));
    expect(await classified).toMatchObject({ ok: { model: 'shapes-v1' } });
    console.info("FAULT-FIGURES engine killed mid-job (app's utility process, mocked): tried 1, survived 1, lost 0");
  });
});
