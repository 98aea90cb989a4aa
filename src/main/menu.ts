import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../shared/ipc.ts';

export interface MenuActions {
  openDialog(): void;
  openRecent(file: string): void;
  command(c: MenuCommand): void;
  quit(): void;
}

/** The menu bar; shortcuts match the in-page ones (the `?` sheet lists both). */
export function menuTemplate(recent: readonly string[], a: MenuActions): MenuItemConstructorOptions[] {
  return [
    {
      label: 'File',
      submenu: [
        { label: 'Open Photo…', accelerator: 'CmdOrCtrl+O', click: () => a.openDialog() },
        {
          label: 'Open Recent',
          enabled: recent.length > 0,
          submenu: recent.map((file) => ({ label: file, click: () => a.openRecent(file) })),
        },
        { type: 'separator' },
        { label: 'Quit', accelerator: 'CmdOrCtrl+Q', click: () => a.quit() },
      ],
    },
    {
      label: 'Run',
      submenu: [
        { label: 'Explain', accelerator: 'CmdOrCtrl+R', click: () => a.command('run') },
        { label: 'Cancel', accelerator: 'CmdOrCtrl+.', click: () => a.command('cancel') },
      ],
    },
    {
      label: 'View',
      submenu: [
        { label: 'Reset Zoom', accelerator: 'CmdOrCtrl+0', click: () => a.command('reset-zoom') },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { label: 'Help', submenu: [{ label: 'Keyboard Shortcuts', accelerator: 'Shift+/', click: () => a.command('shortcuts') }] },
  ];
}
