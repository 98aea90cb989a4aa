import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../shared/ipc.ts';

export interface MenuActions {
  /** The page's own file chooser: photos, an .onnx model with its spec and labels, a VOC .xml. */
  openDialog(): void;
  /** A folder for a batch (a file chooser in the page cannot pick folders and files at once). */
  openFolderDialog(): void;
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
        { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: () => a.openDialog() },
        { label: 'Open Folder for Batch…', accelerator: 'CmdOrCtrl+Shift+O', click: () => a.openFolderDialog() },
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
