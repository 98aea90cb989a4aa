import path from 'node:path';
import { loadModel, type LoadedModel } from '../model/load.ts';
import type { HostSettings, ModelSource } from './protocol.ts';

/** Keeps the last model open between jobs (opening MobileNetV2 costs ~0.5 s). */
export class ModelCache {
  private current: { key: string; loaded: LoadedModel; warnings: string[] } | undefined;
  constructor(private readonly settings: HostSettings = {}) {}

  async get(source: ModelSource): Promise<LoadedModel> {
    if (this.current?.key === source.key) return this.current.loaded;
    return (await this.open(source)).loaded;
  }

  /** Opens the model afresh (a user's file may have changed since), with the notices the engine gave. */
  async open(source: ModelSource): Promise<{ loaded: LoadedModel; warnings: string[] }> {
    await this.dispose();
    const warnings: string[] = [];
    // An explicit labels file wins over the spec's; an absolute path is found wherever it is.
    const overrides = source.labelsFile ? { labels: path.resolve(source.labelsFile) } : {};
    const loaded = await loadModel(source.file ?? source.key, overrides, { threads: this.settings.threads, executionProvider: this.settings.executionProvider, onWarning: (w) => warnings.push(w) });
    this.current = { key: source.key, loaded, warnings };
    return { loaded, warnings };
  }

  async dispose(): Promise<void> {
    const old = this.current;
    this.current = undefined;
    await old?.loaded.classifier.dispose();
  }
}
