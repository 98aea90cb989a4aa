import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared third-party assets live beside the repository: ../shared/assets. */
export const ASSETS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/assets');
export const MODEL_DIR = path.join(ASSETS, 'models');

/**
 * Integration tests need ../shared/assets. Locally a missing asset is a visible skip; under CI
 * (CI=true) it is a failure, so a broken checkout can never pass by skipping everything.
 */
export function assetStatus(...relative: string[]): { missing: string[]; skip: boolean } {
  const missing = relative.filter((r) => !fs.existsSync(path.join(ASSETS, r)));
  if (missing.length > 0 && process.env.CI === 'true') {
    throw new Error(`CI=true but shared assets are missing: ${missing.map((m) => path.join(ASSETS, m)).join(', ')}`);
  }
  if (missing.length > 0) console.warn(`SKIPPED: shared assets missing: ${missing.join(', ')} (looked in ${ASSETS})`);
  return { missing, skip: missing.length > 0 };
}

export const asset = (relative: string) => path.join(ASSETS, relative);
