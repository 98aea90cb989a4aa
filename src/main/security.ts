import { contentSecurityPolicy } from '../shared/csp.ts';
import type { App, BrowserWindowConstructorOptions, IpcMainInvokeEvent, WebContents } from 'electron';

/** Pages are served from here (app protocol, never file://). */
export const APP_ORIGIN = 'app://studio';
export const APP_URL = `${APP_ORIGIN}/index.html`;

export const CSP = contentSecurityPolicy();

/**
 * The Electron security checklist, as window options. DevTools only in development (an unpacked
 * app): in a packaged build they cannot be opened, by shortcut, menu or script.
 */
export function secureWebPreferences(preload: string, options: { dev?: boolean } = {}): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return {
    preload,
    devTools: options.dev ?? false,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
  };
}

export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}

const hardened = new WeakSet<object>();

/** No navigation away from the app, no new windows, no webviews, no permission prompts (once per contents). */
export function hardenContents(contents: WebContents): void {
  if (hardened.has(contents)) return;
  hardened.add(contents);
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  contents.session.setPermissionCheckHandler?.(() => false);
}

/**
 * The same rules for EVERY web contents the app ever creates (a window, a webview, DevTools, a
 * frame's contents), not only the main window: registered once, before any window exists.
 */
export function guardAllContents(app: Pick<App, 'on'>): void {
  app.on('web-contents-created', (_event, contents) => hardenContents(contents));
}

/** IPC is answered only for our own page in a top frame. */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>): boolean {
  const frame = event.senderFrame;
  return !!frame && frame.parent === null && isAppUrl(frame.url);
}
