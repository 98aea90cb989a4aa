import '../src/engine/no-telemetry.ts';
import { afterAll } from 'vitest';
import { removeTempDirs } from './helpers/cli.ts';

afterAll(() => removeTempDirs());
