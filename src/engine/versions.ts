import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * sharp's and libvips' versions as sharp reports them (`sharp.versions`): sharp's package.json is
 * not in its `exports`, so require('sharp/package.json') throws ERR_PACKAGE_PATH_NOT_EXPORTED and
 * the version was recorded 'unknown'.
 */
function sharpVersions(): { sharp: string; libvips: string } {
  try {
    const v = (require('sharp') as { versions?: { sharp?: string; vips?: string } }).versions;
    return { sharp: v?.sharp ?? 'unknown', libvips: v?.vips ?? 'unknown' };
  } catch {
    return { sharp: 'unknown', libvips: 'unknown' };
  }
}

/** Versions recorded in every result, so a run can be reproduced. */
export function versions(): Record<string, string> {
  const pkg = (name: string) => {
    try {
      return (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  };
  return {
    'borex-studio': (require('../../package.json') as { version: string }).version,
    'onnxruntime-node': pkg('onnxruntime-node'),
    ...sharpVersions(),
    node: process.versions.node,
  };
}
