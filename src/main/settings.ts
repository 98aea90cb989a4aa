import fs from 'node:fs';
import path from 'node:path';
import { METHOD_CHOICES, PRESET_CHOICES, type AppSettings } from '../shared/api.ts';
import { arr, int, obj, oneOf, optional, str } from '../shared/schema.ts';

/** The app's settings, persisted as JSON in the user-data folder and validated when read. */
export const settingsSchema = obj({
  modelDir: optional(str({ max: 4096 })),
  executionProvider: oneOf(['cpu', 'cuda', 'webgpu'] as const),
  threads: optional(int(1, 256)),
  defaultMethod: oneOf(METHOD_CHOICES),
  defaultPreset: oneOf(PRESET_CHOICES),
  defaultModel: optional(str({ max: 200 })),
  recent: arr(str({ max: 4096 }), { max: 10 }),
});
export type Settings = ReturnType<typeof settingsSchema>;
// The shared contract's view of the settings must match what is stored.
const sameShape = (s: Settings): AppSettings => s;
void sameShape;

export const DEFAULT_SETTINGS: Settings = { executionProvider: 'cpu', defaultMethod: 'borex', defaultPreset: 'default', recent: [] };

export class SettingsStore {
  private value: Settings;

  constructor(private readonly file: string) {
    this.value = SettingsStore.read(file);
  }

  /** A missing or damaged file gives the defaults (a damaged one is kept aside as .bad). */
  static read(file: string): Settings {
    if (!fs.existsSync(file)) return { ...DEFAULT_SETTINGS };
    try {
      return settingsSchema({ ...DEFAULT_SETTINGS, ...(JSON.parse(fs.readFileSync(file, 'utf8')) as object) }, 'settings');
    } catch {
      fs.renameSync(file, `${file}.bad`);
      return { ...DEFAULT_SETTINGS };
    }
  }

  get(): Settings {
    return structuredClone(this.value);
  }

  /** Validates the whole result before anything is written; written to a temp name, then renamed. */
  update(patch: unknown): Settings {
    const next = settingsSchema({ ...this.value, ...(typeof patch === 'object' && patch !== null ? patch : {}) }, 'settings');
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(next, null, 2));
    fs.renameSync(tmp, this.file);
    this.value = next;
    return this.get();
  }

  addRecent(file: string): Settings {
    return this.update({ recent: [file, ...this.value.recent.filter((f) => f !== file)].slice(0, 10) });
  }
}
