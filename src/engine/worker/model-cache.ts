import path from 'node:path';
import { loadModel, type LoadedModel } from '../model/load.ts';
import type { ModelSpec } from '../model/spec.ts';
import type { HostSettings, ModelSource } from './protocol.ts';

const cacheKey = (s: ModelSource) => (s.clip ? `${s.key} ${JSON.stringify(s.clip)}` : s.key);

/** Keeps the last model open between jobs (opening MobileNetV2 costs ~0.5 s). */
export class ModelCache {
  private current: { key: string; loaded: LoadedModel; warnings: string[] } | undefined;
  constructor(private readonly settings: HostSettings = {}) {}

  async get(source: ModelSource): Promise<LoadedModel> {
    if (this.current?.key === cacheKey(source)) return this.current.loaded;
    return (await this.open(source)).loaded;
  }

  /** Opens the model afresh (a user's file may have changed since), with the notices the engine gave. */
  async open(source: ModelSource): Promise<{ loaded: LoadedModel; warnings: string[] }> {
    await this.dispose();
    const warnings: string[] = [];
    // An explicit labels file wins over the spec's; an absolute path is found wherever it is.
    const overrides: Partial<ModelSpec> = source.labelsFile ? { labels: path.resolve(source.labelsFile) } : {};
    // A clip's T and windowing are spec overrides (borex video --frames/--window): another key.
    if (source.clip?.frames !== undefined) overrides.frames = source.clip.frames;
    if (source.clip?.sampling) overrides.sampling = source.clip.sampling;
    const loaded = await loadModel(source.file ?? source.key, overrides, { threads: this.settings.threads, executionProvider: this.settings.executionProvider, onWarning: (w) => warnings.push(w) });
    this.current = { key: cacheKey(source), loaded, warnings };
    return { loaded, warnings };
  }

  async dispose(): Promise<void> {
    const old = this.current;
    this.current = undefined;
    await old?.loaded.classifier.dispose();
  }
}
