/**
 * Fault suite: a bounded load test of `borex serve` on loopback. 10 clients at once, each with its
 * own upload, make 10 API calls (info, classify, runs, and bad requests that must be refused) and
 * queue an explain job (shapes-v1: Grad-CAM or RISE with 50 masks, coarse metric steps), twice:
 * 200 calls and 20 jobs. Every call must be answered with its expected status, every job must
 * finish `done`, and the memory of the server and its engine process (RSS, /proc) must stay flat:
 * the second round may not grow it by more than 150 MB over the first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ROOT } from '../helpers/cli.ts';
import { jobEvents, serveForTests } from './child.ts';

const CLIENTS = 10;
/** Per client and round; two rounds make the 200 calls and 20 jobs. */
const CALLS_PER_CLIENT = 10;
const JOBS_PER_CLIENT = 1;

/** Resident memory of a process and its children, in MB (Linux /proc). */
function rssMb(pid: number): number {
  const own = (p: number) => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  const kids = fs.readdirSync(`/proc/${pid}/task`).flatMap((t) => fs.readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
  return own(pid) + kids.reduce((s, k) => s + own(k), 0);
}

describe('load on borex serve (fault suite)', () => {
  const live = serveForTests();

  it('10 clients, 200 calls and 20 queued jobs in two rounds: all answered, all jobs done, memory flat', async () => {
    const serve = live();
    const { ws, events } = await jobEvents(serve);
    const png = fs.readFileSync(path.join(ROOT, 'resources/samples/shapes-02-square.png'));

    /** One client: its upload, its calls (each with the status it must get), its jobs. Returns what went wrong. */
    async function client(c: number): Promise<{ problems: string[]; jobs: string[]; calls: number }> {
      const problems: string[] = [];
      const upload = await serve.upload('images', `client-${c}.png`, png);
      if (upload.status !== 200) return { problems: [`client ${c}: upload ${upload.status}`], jobs: [], calls: 0 };
      const imageId = (upload.json as { id: string }).id;
      const calls: [string, unknown, number][] = [
        ['info', {}, 200],
        ['classify', { imageId, model: 'shapes-v1' }, 200],
        ['runs', {}, 200],
        ['classify', { imageId: 'no-such-image', model: 'shapes-v1' }, 404],
        ['explain', { imageId, model: 'shapes-v1', method: 'eval', prior: 'none', preset: 'paper' }, 400],
      ];
      let made = 0;
      for (let i = 0; i < CALLS_PER_CLIENT; i++) {
        const [call, body, status] = calls[(i + c) % calls.length];
        const r = await serve.api(call, body).catch((err: Error) => ({ status: 0, json: err.message }));
        made++;
        if (r.status !== status) problems.push(`client ${c} call ${i} ${call}: ${r.status}, expected ${status}`);
      }
      const jobs: string[] = [];
      for (let j = 0; j < JOBS_PER_CLIENT; j++) {
        const method = (c + j) % 2 === 0 ? 'gradcam' : 'rise';
        const r = await serve.api('explain', { imageId, model: 'shapes-v1', method, prior: 'none', preset: 'paper', advanced: { metricStep: 2000, ...(method === 'rise' ? { masks: 50 } : {}) } });
        if (r.status !== 200) problems.push(`client ${c} explain ${method}: ${r.status}`);
        else jobs.push((r.json as { jobId: string }).jobId);
      }
      return { problems, jobs, calls: made };
    }

    async function round(): Promise<{ problems: string[]; calls: number; jobs: number; ms: number }> {
      const t0 = Date.now();
      const results = await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
      const jobs = results.flatMap((r) => r.jobs);
      const problems = results.flatMap((r) => r.problems);
      const end = (id: string) => events.find((e) => e.jobId === id && e.type !== 'progress')?.type;
      await vi.waitFor(() => expect(jobs.filter((id) => end(id) !== undefined)).toHaveLength(jobs.length), { timeout: 240_000, interval: 100 });
      for (const id of jobs) if (end(id) !== 'done') problems.push(`job ${id}: ${end(id)}`);
      return { problems, calls: results.reduce((s, r) => s + r.calls, 0), jobs: jobs.length, ms: Date.now() - t0 };
    }

    const warm = await round();
    const afterWarm = rssMb(serve.child.pid!);
    const second = await round();
    const afterSecond = rssMb(serve.child.pid!);
    ws.close();
    const problems = [...warm.problems, ...second.problems];
    const tried = warm.calls + second.calls + warm.jobs + second.jobs;
    console.info(
      `FAULT-FIGURES load: tried ${tried} (2 rounds of ${warm.calls} calls + ${warm.jobs} jobs from ${CLIENTS} clients; ${warm.ms} ms, ${second.ms} ms), survived ${tried - problems.length}, lost ${problems.length}; RSS ${afterWarm.toFixed(0)} MB after the first round, ${afterSecond.toFixed(0)} MB after the second`,
    );
    expect(problems).toEqual([]);
    expect(warm.calls).toBe(CLIENTS * CALLS_PER_CLIENT);
    expect(warm.jobs).toBe(CLIENTS * JOBS_PER_CLIENT);
    expect(afterSecond - afterWarm).toBeLessThan(150);
    expect(serve.child.exitCode).toBeNull();
  }, 600_000);
});
