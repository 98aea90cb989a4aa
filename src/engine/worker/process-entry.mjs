// Loads serve's engine process entry through tsx (no build step), like worker-entry.mjs does for the worker.
import { register } from 'tsx/esm/api';

register();
await import('./process-entry.ts');
