/** The remembered model choice (src/renderer/src/lib/model-choice.ts): app settings or localStorage. */
import { describe, expect, it } from 'vitest';
import { MODEL_KEY, modelToUse, rememberedModel, rememberModel, type KeyValueStore } from '../../../src/renderer/src/lib/model-choice.ts';
import type { AppSettings, ModelListing } from '../../../src/shared/api.ts';

const listing = (name: string, available = true, user = false): ModelListing => ({ name, description: name, available, ...(user ? { user: { fileName: `${name}.onnx`, modelName: name, classes: 2, input: { height: 1, width: 1, layout: 'NCHW', resize: 'stretch' }, specSource: 'x', warnings: [] } } : {}) });
const info = { defaultModel: 'mobilenetv2-12-int8', models: [listing('shapes-v1'), listing('mobilenetv2-12-int8'), listing('mobilenetv2-float32', false), listing('user:abc', true, true)] };

function memoryStorage(): KeyValueStore {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v) };
}

describe('model choice', () => {
  it('uses a remembered model only while it is a catalogue model this machine has', () => {
    expect(modelToUse(info, undefined)).toBe('mobilenetv2-12-int8');
    expect(modelToUse(info, 'shapes-v1')).toBe('shapes-v1');
    expect(modelToUse(info, 'mobilenetv2-float32')).toBe('mobilenetv2-12-int8'); // not on this machine
    expect(modelToUse(info, 'gone-model')).toBe('mobilenetv2-12-int8');
    expect(modelToUse(info, 'user:abc')).toBe('mobilenetv2-12-int8'); // a session's own model is not remembered
  });

  it('remembers in localStorage in a browser, never a user model', async () => {
    const storage = memoryStorage();
    expect(await rememberedModel({ storage })).toBeUndefined();
    await rememberModel({ storage }, 'shapes-v1');
    expect(storage.getItem(MODEL_KEY)).toBe('shapes-v1');
    await rememberModel({ storage }, 'user:abc');
    expect(await rememberedModel({ storage })).toBe('shapes-v1');
  });

  it('remembers in the app settings in the desktop app (not localStorage)', async () => {
    let settings = { defaultModel: undefined } as unknown as AppSettings;
    const storage = memoryStorage();
    const memory = { storage, getSettings: async () => settings, setSettings: async (p: Partial<AppSettings>) => (settings = { ...settings, ...p }) };
    await rememberModel(memory, 'shapes-v1');
    expect(settings.defaultModel).toBe('shapes-v1');
    expect(storage.getItem(MODEL_KEY)).toBeNull();
    expect(await rememberedModel(memory)).toBe('shapes-v1');
  });
});
