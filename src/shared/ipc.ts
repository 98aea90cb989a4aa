/** IPC channel names shared by the preload and main (one invoke channel per API call). */
export const IPC = {
  info: 'borex:info',
  openImagePath: 'borex:open-image-path',
  openPriorPath: 'borex:open-prior-path',
  openModelPath: 'borex:open-model-path',
  openFolderPath: 'borex:open-folder-path',
  classify: 'borex:classify',
  explain: 'borex:explain',
  batch: 'borex:batch',
  runs: 'borex:runs',
  openRun: 'borex:open-run',
  resumeRun: 'borex:resume-run',
  cancel: 'borex:cancel',
  exportFile: 'borex:export-file',
  getSettings: 'borex:get-settings',
  setSettings: 'borex:set-settings',
  /** main → renderer */
  jobEvent: 'borex:job',
  opened: 'borex:opened',
  command: 'borex:command',
} as const;

/** What every invoke handler answers: a value, or an error the preload turns back into a throw. */
export type IpcReply<T> = { ok: T } | { error: { kind: string; message: string } };

/** Menu commands main sends to the renderer. */
export const MENU_COMMANDS = ['run', 'cancel', 'reset-zoom', 'shortcuts', 'open'] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];
