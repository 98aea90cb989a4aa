import { defineConfig } from 'electron-vite';
import { rendererConfig } from './src/renderer/vite.config.ts';

/**
 * The desktop app: main (+ the engine's utilityProcess and worker entries), the sandboxed preload
 * (CommonJS, as sandboxed preloads must be) and the renderer shared with `borex serve`.
 */
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: 'src/main/index.ts',
          engine: 'src/main/engine/utility-entry.ts',
          'engine-worker': 'src/engine/host/worker.ts',
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
