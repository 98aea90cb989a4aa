/**
 * Electron's fuses for the packed app: switches compiled into the Electron binary, flipped in the
 * file after packing (@electron/fuses), which no command-line flag or environment variable can
 * turn back at run time.
 *  - RunAsNode off: ELECTRON_RUN_AS_NODE=1 would make the signed app binary a plain Node.js that
 *    runs any script given to it (the engine uses utilityProcess.fork, which does not need it).
 *  - EnableNodeOptionsEnvironmentVariable off: NODE_OPTIONS (--require, --inspect…) is ignored.
 *  - EnableNodeCliInspectArguments off: --inspect / --inspect-brk are ignored (no debugger port).
 *  - EnableCookieEncryption on: cookies on disk are encrypted with the OS keychain's key.
 *  - EnableEmbeddedAsarIntegrityValidation on: app.asar is checked against the hash embedded at
 *    pack time (macOS and Windows; Linux has no embedded-integrity support and ignores it).
 *  - OnlyLoadAppFromAsar on: the app's code is loaded from app.asar only, never from a loose
 *    app/ folder someone placed beside it.
 * Fuses not named keep the binary's own setting.
 */
import { FuseV1Options, FuseVersion } from '@electron/fuses';

/** The fuse settings, by option: [name, on?]. */
export const FUSE_SETTINGS = /** @type {const} */ ([
  ['RunAsNode', false],
  ['EnableNodeOptionsEnvironmentVariable', false],
  ['EnableNodeCliInspectArguments', false],
  ['EnableCookieEncryption', true],
  ['EnableEmbeddedAsarIntegrityValidation', true],
  ['OnlyLoadAppFromAsar', true],
]);

/** @electron/fuses' config for flipFuses. */
export function fuseConfig({ resetAdHocDarwinSignature = false } = {}) {
  const config = { version: FuseVersion.V1, resetAdHocDarwinSignature };
  for (const [name, on] of FUSE_SETTINGS) config[FuseV1Options[name]] = on;
  return config;
}
