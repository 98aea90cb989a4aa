import fs from 'node:fs';
import path from 'node:path';
import type * as Electron from 'electron';
import { ApiBackend } from '../app/backend.ts';
import { toErrorBody } from '../shared/errors.ts';
import { IPC, type MenuCommand } from '../shared/ipc.ts';
import { appProtocolHandler } from './app-protocol.ts';
import { utilityHost } from './engine/utility-host.ts';
import { registerIpc } from './ipc.ts';
import { menuTemplate } from './menu.ts';
import { openUserPath } from './open-path.ts';
import { APP_URL, guardAllContents, hardenContents, secureWebPreferences } from './security.ts';
import { SettingsStore } from './settings.ts';

export type ElectronApi = Pick<typeof Electron, 'app' | 'BrowserWindow' | 'Menu' | 'dialog' | 'ipcMain' | 'protocol' | 'utilityProcess'>;

export interface AppFiles {
  /** The built renderer. */
  uiDir: string;
  preload: string;
  /** The utilityProcess entry (engine host). */
  engineEntry: string;
}

/** Must run before `ready`: app:// is a standard, secure scheme (fetch, relative URLs, CSP 'self'). */
export function registerScheme(e: Pick<ElectronApi, 'protocol'>): void {
  e.protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);
}

/**
 * The whole main process: one instance, one window, the engine in a utilityProcess, files opened
 * by menu, drop, command line (open-with) or a second launch. Returns false if another instance runs.
 */
export function bootstrap(e: ElectronApi, files: AppFiles, argv: string[] = process.argv): boolean {
  const { app } = e;
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  registerScheme(e);
  guardAllContents(app);
  let window: Electron.BrowserWindow | undefined;
  const pendingPaths = argv.slice(1).filter((a) => !a.startsWith('-') && path.isAbsolute(a));

  app.whenReady().then(() => {
    const settings = new SettingsStore(path.join(app.getPath('userData'), 'settings.json'));
    const workDir = fs.mkdtempSync(path.join(app.getPath('temp'), 'borex-app-'));
    // Read at each start of the engine process, so a settings change applies from its next start.
    const engineEnv = () => {
      const s = settings.get();
      return { ...process.env, ...(s.modelDir ? { BOREX_MODEL_DIR: s.modelDir } : {}), BOREX_PROVIDER: s.executionProvider, BOREX_THREADS: s.threads ? String(s.threads) : '', ORT_DISABLE_TELEMETRY: '1' };
    };
    const host = utilityHost(e.utilityProcess.fork, files.engineEntry, engineEnv);
    const backend = new ApiBackend(host, workDir, 'ipc', { runsDir: path.join(app.getPath('userData'), 'runs'), modelEnv: engineEnv });
    e.protocol.handle('app', appProtocolHandler(files.uiDir, backend));
    registerIpc(e.ipcMain, { backend, settings, dialog: e.dialog, window: () => window, restartEngine: () => host.restart(), recentChanged: () => buildMenu() });

    const send = (channel: string, value: unknown) => window?.webContents.send(channel, value);
    const openPath = async (p: string) => {
      try {
        const item = await openUserPath(p, backend, settings);
        buildMenu();
        send(IPC.opened, item);
      } catch (err) {
        void e.dialog.showMessageBox({ type: 'error', message: `Cannot open ${path.basename(p)}`, detail: toErrorBody(err).error.message });
      }
    };
    const openFolderDialog = async () => {
      const options = { title: 'Folder of photos for a batch', properties: ['openDirectory' as const] };
      const choice = window ? await e.dialog.showOpenDialog(window, options) : await e.dialog.showOpenDialog(options);
      if (!choice.canceled && choice.filePaths[0]) await openPath(choice.filePaths[0]);
    };
    const buildMenu = () =>
      e.Menu.setApplicationMenu(
        e.Menu.buildFromTemplate(
          menuTemplate(settings.get().recent, {
            openDialog: () => send(IPC.command, 'open' satisfies MenuCommand),
            openFolderDialog: () => void openFolderDialog(),
            openRecent: (f) => void openPath(f),
            command: (c) => send(IPC.command, c),
            quit: () => app.quit(),
          }),
        ),
      );
    buildMenu();

    window = new e.BrowserWindow({ width: 1500, height: 950, show: false, backgroundColor: '#0f1115', title: 'BOREx Studio', webPreferences: secureWebPreferences(files.preload, { dev: !app.isPackaged }) });
    hardenContents(window.webContents);
    window.once('ready-to-show', () => window?.show());
    window.webContents.once('did-finish-load', () => pendingPaths.splice(0).forEach((p) => void openPath(p)));
    void window.loadURL(APP_URL);

    app.on('second-instance', (_event, args) => {
      if (window?.isMinimized()) window.restore();
      window?.focus();
      args.slice(1).filter((a) => !a.startsWith('-') && path.isAbsolute(a)).forEach((p) => void openPath(p));
    });
    app.on('open-file', (event, p) => {
      event.preventDefault();
      void openPath(p);
    });
    app.on('window-all-closed', () => {
      void backend.close();
      fs.rmSync(workDir, { recursive: true, force: true });
      app.quit();
    });
  });
  return true;
}
