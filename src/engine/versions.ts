import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

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
    sharp: pkg('sharp'),
    node: process.versions.node,
  };
}
