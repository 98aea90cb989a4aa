import type { AppInfo, AppSettings } from '../../../shared/api.ts';

/**
 * The model the user last chose, remembered between sessions: in the desktop app's settings
 * (`defaultModel`, persisted by main), in a browser in localStorage. Only catalogue models are
 * remembered: a user's own model (`user:<id>`) lives only as long as the session that opened it.
 */
export const MODEL_KEY = 'borex-model';

/** Where a remembered choice is kept: the app's settings calls, else the page's localStorage. */
export interface ModelMemory {
  getSettings?: () => Promise<AppSettings>;
  setSettings?: (patch: Partial<AppSettings>) => Promise<AppSettings>;
  storage?: KeyValueStore;
}

/** What localStorage offers that this needs (declared here: the engine's tsconfig has no DOM types). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** A remembered name, if it is still a model this machine has; otherwise the engine's default. */
export function modelToUse(info: Pick<AppInfo, 'models' | 'defaultModel'>, remembered: string | undefined): string {
  const found = remembered ? info.models.find((m) => m.name === remembered && m.available && !m.user) : undefined;
  return found ? found.name : info.defaultModel;
}

export async function rememberedModel(memory: ModelMemory): Promise<string | undefined> {
  if (memory.getSettings) return (await memory.getSettings()).defaultModel;
  return memory.storage?.getItem(MODEL_KEY) ?? undefined;
}

export async function rememberModel(memory: ModelMemory, name: string): Promise<void> {
  if (name.startsWith('user:')) return;
  if (memory.setSettings) await memory.setSettings({ defaultModel: name });
  else memory.storage?.setItem(MODEL_KEY, name);
}

/** The memory of this page: the app's settings calls where the preload has them, else localStorage. */
export function pageModelMemory(api: Pick<ModelMemory, 'getSettings' | 'setSettings'>): ModelMemory {
  let storage: ModelMemory['storage'];
  try {
    storage = (globalThis as { localStorage?: KeyValueStore }).localStorage;
  } catch {
    storage = undefined; // storage refused (a sandboxed page): the choice lasts for this page only
  }
  return { getSettings: api.getSettings, setSettings: api.setSettings, storage };
}
