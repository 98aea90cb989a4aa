import type { BatchItem } from '../../shared/api.ts';
import type { ItemRecord } from '../jobs/run-store.ts';

/** A run's item record as the Batch view shows it (used by the worker's batch jobs and by the app's run listing). */
export function batchItem(r: ItemRecord): BatchItem {
  const methods: BatchItem['methods'] = {};
  for (const [id, m] of Object.entries(r.methods ?? {})) {
    methods[id] = { status: m.status, insertion: m.metrics?.insertion, deletion: m.metrics?.deletion, fRp: m.metrics?.fRp, pointingGame: m.metrics?.pointingGame, error: m.error?.message };
  }
  return { key: r.key, image: r.image, entry: r.entry, parts: r.parts, status: r.status, label: r.label?.name, note: r.error?.message ?? r.reason, methods };
}
