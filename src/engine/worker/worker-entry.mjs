// Loads the TypeScript worker through tsx (no build step), like bin/borex.mjs does for the CLI.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
