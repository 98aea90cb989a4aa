import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { guardAllContents, hardenContents, isTrustedSender, secureWebPreferences } from '../../../src/main/security.ts';
import { senderEvent } from './fake-electron.ts';

describe('Electron security checklist', () => {
  it('windows are isolated and sandboxed, without Node', () => {
    expect(secureWebPreferences('/p.cjs')).toMatchObject({ preload: '/p.cjs', contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
  });

  it('denies new windows, foreign navigation, webviews and permissions', () => {
    const contents = Object.assign(new EventEmitter(), { setWindowOpenHandler: vi.fn(), session: { setPermissionRequestHandler: vi.fn() } });
    hardenContents(contents as never);
    expect(contents.setWindowOpenHandler.mock.calls[0][0]()).toEqual({ action: 'deny' });
    const nav = (url: string) => {
      const event = { preventDefault: vi.fn() };
      contents.emit('will-navigate', event, url);
      return event.preventDefault.mock.calls.length > 0;
    };
    expect(nav('https://example.com/')).toBe(true);
    expect(nav('file:///etc/passwd')).toBe(true);
    expect(nav('app://studio/index.html')).toBe(false);
    const webview = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalled();
    const decide = vi.fn();
    contents.session.setPermissionRequestHandler.mock.calls[0][0](null, 'media', decide);
    expect(decide).toHaveBeenCalledWith(false);
  });

  it('DevTools are off unless in development', () => {
    expect(secureWebPreferences('/p.cjs').devTools).toBe(false);
    expect(secureWebPreferences('/p.cjs', { dev: false }).devTools).toBe(false);
    expect(secureWebPreferences('/p.cjs', { dev: true }).devTools).toBe(true);
  });

  it('every web contents the app creates is hardened, not only the main window', () => {
    const app = new EventEmitter();
    guardAllContents(app as never);
    const make = () => Object.assign(new EventEmitter(), { setWindowOpenHandler: vi.fn(), session: { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn() } });
    const webview = make();
    const popup = make();
    app.emit('web-contents-created', {}, webview);
    app.emit('web-contents-created', {}, popup);
    for (const contents of [webview, popup]) {
      expect(contents.setWindowOpenHandler.mock.calls[0][0]()).toEqual({ action: 'deny' });
      const nav = { preventDefault: vi.fn() };
      contents.emit('will-navigate', nav, 'https://example.com/');
      expect(nav.preventDefault).toHaveBeenCalled();
      const attach = { preventDefault: vi.fn() };
      contents.emit('will-attach-webview', attach);
      expect(attach.preventDefault).toHaveBeenCalled();
      const decide = vi.fn();
      contents.session.setPermissionRequestHandler.mock.calls[0][0](null, 'geolocation', decide);
      expect(decide).toHaveBeenCalledWith(false);
      expect(contents.session.setPermissionCheckHandler.mock.calls[0][0]()).toBe(false);
    }
    // Hardened once: the main window's explicit call adds no second set of handlers.
    hardenContents(webview as never);
    expect(webview.setWindowOpenHandler).toHaveBeenCalledTimes(1);
    expect(webview.listenerCount('will-navigate')).toBe(1);
  });

  it('trusts IPC only from our own top-level page', () => {
    expect(isTrustedSender(senderEvent() as never)).toBe(true);
    expect(isTrustedSender(senderEvent('https://evil.example/') as never)).toBe(false);
    expect(isTrustedSender(senderEvent('app://studio/index.html', {}) as never)).toBe(false);
    expect(isTrustedSender({ senderFrame: null } as never)).toBe(false);
  });
});
