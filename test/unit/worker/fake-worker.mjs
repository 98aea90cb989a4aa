// A stand-in engine host for WorkerHost tests: jobs whose image says what to do.
import { parentPort, threadId, workerData } from 'node:worker_threads';

const flag = new Int32Array(workerData.cancelFlag);
parentPort.on('message', (m) => {
  if (m.type !== 'job') return;
  const what = m.job.image;
  if (what === 'crash') process.exit(3);
  if (what === 'hang') for (;;); // never looks at the cancel flag: only terminate() stops it
  if (what === 'busy') {
    const until = Date.now() + 300; // a job that takes a while (and yields nothing until it ends)
    while (Date.now() < until);
  }
  if (what === 'slow') {
    // Checks the shared flag between "batches" without ever yielding to the event loop.
    for (let i = 0; i < 1e9; i++) {
      if (i % 1e5 === 0 && Atomics.load(flag, 0) === m.seq) return parentPort.postMessage({ type: 'error', seq: m.seq, kind: 'cancelled', message: 'cancelled' });
    }
  }
  parentPort.postMessage({ type: 'progress', seq: m.seq, progress: { stage: 'fake', done: 1, total: 1 } });
  parentPort.postMessage({ type: 'result', seq: m.seq, value: { model: 'fake', top5: [], numClasses: 0, image: what, worker: threadId } });
});
