/**
 * electron-builder's afterPack hook (electron-builder.config.mjs): sets the fuses of
 * packaging/fuses.mjs in the packed Electron binary, before it is signed and archived. A binary
 * without the fuse sentinel (not Electron ≥ 12) fails the pack rather than ship unfused.
 */
import path from 'node:path';
import { flipFuses } from '@electron/fuses';
import { fuseConfig } from './fuses.mjs';

/** electron-builder's Arch enum: arm64 is 3. */
const ARM64 = 3;

/** The packed Electron executable (on macOS the .app bundle: @electron/fuses finds its framework). */
export function packedBinary(context) {
  const name = context.packager.appInfo.productFilename;
  switch (context.electronPlatformName) {
    case 'darwin':
    case 'mas':
      return path.join(context.appOutDir, `${name}.app`);
    case 'win32':
      return path.join(context.appOutDir, `${name}.exe`);
    default:
      return path.join(context.appOutDir, context.packager.executableName ?? name);
  }
}

export default async function afterPack(context) {
  const darwin = context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas';
  // Flipping fuses breaks an arm64 macOS binary's ad-hoc signature; re-sign it ad hoc (a real
  // signature is applied after afterPack by electron-builder).
  const flipped = await flipFuses(packedBinary(context), fuseConfig({ resetAdHocDarwinSignature: darwin && context.arch === ARM64 }));
  if (!(flipped >= 1)) throw new Error(`${packedBinary(context)}: no fuse wire was set`);
}
