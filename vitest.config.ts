import { svelte } from '@sveltejs/vite-plugin-svelte';
import { configDefaults, defineConfig } from 'vitest/config';

// No onnxruntime telemetry in any test process (forks and threads inherit this environment).
process.env.ORT_DISABLE_TELEMETRY = '1';

export default defineConfig({
  // Compiles the renderer's rune modules (*.svelte.ts) that its unit tests import, as the browser
  // runs them (client code, with real reactivity), not as server-side rendering would.
  plugins: [svelte({ configFile: false, dynamicCompileOptions: () => ({ generate: 'client' }) })],
  test: {
    include: ['test/**/*.test.ts'],
    // The docs/screenshots generator is a tool, not a test: it runs only when asked for.
    exclude: [...configDefaults.exclude, ...(process.env.BOREX_SCREENSHOTS === '1' ? [] : ['test/e2e/screenshots.test.ts'])],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // onnxruntime sessions use both cores; running files in parallel only adds contention.
    fileParallelism: false,
    setupFiles: ['./test/setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
