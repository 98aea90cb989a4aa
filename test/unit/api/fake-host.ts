import fs from 'node:fs';
import path from 'node:path';
import type { JobProgress } from '../../../src/shared/api.ts';
import type { HostJob, HostJobResult, ModelSource } from '../../../src/engine/worker/protocol.ts';
import { BorexError } from '../../../src/engine/errors.ts';
import type { EngineHost } from '../../../src/engine/worker/worker-host.ts';

/** An engine host that answers from a script: no worker, no model. */
export class FakeHost implements EngineHost {
  readonly jobs: HostJob[] = [];
  private pending = new Map<number, { reject: (e: Error) => void; resolve: (v: HostJobResult) => void; onProgress?: (p: JobProgress) => void }>();
  private seq = 0;

  run(job: HostJob, onProgress?: (p: JobProgress) => void) {
    this.jobs.push(job);
    const seq = ++this.seq;
    const result = new Promise<HostJobResult>((resolve, reject) => this.pending.set(seq, { resolve, reject, onProgress }));
    if (job.kind === 'classify') this.finish(seq, { model: job.model.key, top5: [{ index: 1, name: 'one', probability: 0.9 }], numClasses: 2, labels: ['zero', 'one'], probabilities: [0.1, 0.9] });
    if (job.kind === 'open-model') this.openModel(seq, job.model);
    return { seq, result };
  }

  /** A model file whose bytes say "not a model" is refused as the engine would refuse it (naming the stored file). */
  private openModel(seq: number, model: ModelSource): void {
    const file = model.file!;
    if (fs.readFileSync(file, 'utf8').includes('not a model')) {
      this.pending.get(seq)?.reject(new BorexError('model', `${file}: is not an image classifier: input "x" has shape [1, 10]; a 4-D image batch is needed`));
      this.pending.delete(seq);
      return;
    }
    const sidecar = file.replace(/\.onnx$/, '.borex.json');
    const specSource = fs.existsSync(sidecar) ? sidecar : 'defaults (torchvision ImageNet preprocessing)';
    this.finish(seq, { name: path.basename(file, '.onnx'), file, classes: 2, input: { height: 8, width: 8, layout: 'NCHW', resize: 'stretch' }, specSource, labelsFile: model.labelsFile, warnings: [] });
  }

  progress(seq: number, p: JobProgress): void {
    this.pending.get(seq)?.onProgress?.(p);
  }

  finish(seq: number, value: HostJobResult): void {
    this.pending.get(seq)?.resolve(value);
    this.pending.delete(seq);
  }

  cancel(seq: number): boolean {
    const p = this.pending.get(seq);
    p?.reject(new BorexError('cancelled', 'cancelled'));
    this.pending.delete(seq);
    return !!p;
  }

  async close(): Promise<void> {}
}
