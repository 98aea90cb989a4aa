/** Electron main entry (built by electron-vite to out/main/index.js). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as electron from 'electron';
import { bootstrap } from './app.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
bootstrap(electron, {
  uiDir: path.join(here, '../renderer'),
  preload: path.join(here, '../preload/index.cjs'),
  engineEntry: path.join(here, 'engine.js'),
});
