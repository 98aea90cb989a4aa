import fs from 'node:fs';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { rendererConfig } from './src/renderer/vite.config.ts';

/**
 * The engine finds the project's package.json and resources/ relative to its own file; bundled
 * into out/main/chunks those are out/package.json (written here: version, ESM) and resources/.
 */
const packageJsonForBundle: Plugin = {
  name: 'borex-package-json',
  writeBundle() {
    const { name, version } = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { name: string; version: string };
    fs.writeFileSync('out/package.json', JSON.stringify({ name, version, private: true, type: 'module' }, null, 2) + '\n');
  },
};

/**
 * The desktop app: main (+ the engine's utilityProcess and worker entries), the sandboxed preload
 * (CommonJS, as sandboxed preloads must be) and the renderer shared with `borex serve`.
 */
/**
 * electron-vite adds `const require = createRequire(...)` to ESM chunks that mention require(); the
 * engine declares its own (versions.ts), so the bundle would declare it twice. Rename the engine's.
 */
const ownRequireRenamed: Plugin = {
  name: 'borex-own-require',
  transform(code, id) {
    if (!id.includes('/src/engine/') || !/const require = createRequire\(import\.meta\.url\)/.test(code)) return null;
    return { code: code.replace(/\brequire\b/g, '__borexRequire'), map: null };
  },
};

export default defineConfig({
  main: {
    plugins: [ownRequireRenamed, packageJsonForBundle],
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: 'src/main/index.ts',
          engine: 'src/main/engine/utility-entry.ts',
          'engine-worker': 'src/engine/worker/worker.ts',
        },
        external: ['electron', 'onnxruntime-node', 'sharp', 'ws', 'protobufjs'],
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: 'src/preload/index.ts' },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: rendererConfig,
});
