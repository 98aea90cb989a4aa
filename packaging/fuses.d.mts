import type { FuseV1Config } from '@electron/fuses';
export type FuseName = 'RunAsNode' | 'EnableNodeOptionsEnvironmentVariable' | 'EnableNodeCliInspectArguments' | 'EnableCookieEncryption' | 'EnableEmbeddedAsarIntegrityValidation' | 'OnlyLoadAppFromAsar';
export const FUSE_SETTINGS: readonly (readonly [FuseName, boolean])[];
export function fuseConfig(options?: { resetAdHocDarwinSignature?: boolean }): FuseV1Config;
