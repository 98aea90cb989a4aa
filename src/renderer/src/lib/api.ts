import type { BorexApi } from '../../../shared/api.ts';
import { httpApi } from './http-api.ts';

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge); absent in a browser. */
    borex?: BorexApi;
  }
}

/** The app's API: the preload's bridge in Electron, HTTP + WebSocket under `borex serve`. */
export const api: BorexApi = window.borex ?? httpApi();
