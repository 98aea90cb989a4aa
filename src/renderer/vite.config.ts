import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import type { UserConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The renderer (Svelte 5 UI), built to out/renderer. Used as is by `npm run build:ui` (served by
 * `borex serve` and the end-to-end tests) and as the renderer part of electron.vite.config.ts.
 */
export const rendererConfig: UserConfig = {
  root: here,
  base: './',
  plugins: [svelte()],
  build: {
    outDir: path.resolve(here, '../../out/renderer'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 4096,
    // No inline scripts or data: URLs (the strict CSP has script-src 'self').
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  logLevel: 'warn',
};

export default rendererConfig;
