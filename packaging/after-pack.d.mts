/** The part of electron-builder's AfterPackContext the hook reads. */
export interface PackContext {
  appOutDir: string;
  electronPlatformName: string;
  arch: number;
  packager: { appInfo: { productFilename: string }; executableName?: string };
}
export function packedBinary(context: PackContext): string;
export default function afterPack(context: PackContext): Promise<void>;
