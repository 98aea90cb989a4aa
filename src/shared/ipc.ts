/** IPC channel names shared by the preload and main: one invoke channel per call of the table (calls.ts), and main's pushes. */
import { CALL_CHANNELS } from './calls.ts';
import type { ErrorBody } from './errors.ts';

export const IPC = {
  ...CALL_CHANNELS,
  /** main → renderer */
  jobEvent: 'borex:job',
  opened: 'borex:opened',
  command: 'borex:command',
  /** preload → main: a dropped or chosen file's path, answered with the token the file calls take (src/main/grants.ts) */
  grantFile: 'borex:grant-file',
} as const;

/** What every invoke handler answers: a value, or an error the preload turns back into a throw. */
export type IpcReply<T> = { ok: T } | ErrorBody;

/** Menu commands main sends to the renderer. */
export const MENU_COMMANDS = ['run', 'cancel', 'reset-zoom', 'shortcuts', 'open'] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];
