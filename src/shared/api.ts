/**
 * The one API of BOREx Studio, shared by both transports: Electron IPC (preload → main) and
 * HTTP + WebSocket (`borex serve`). Requests (requests.ts) are validated with their schemas wherever
 * they arrive; the calls are one table (calls.ts); results and job events flow back. Maps travel as Float32Array (structured clone over IPC,
 * base64 over HTTP: see wire.ts).
 */
import type { CallClient } from './calls.ts';
import type { FileRequest, MediaVariant } from './requests.ts';
import type { JobEvent, OpenedItem } from './results.ts';

export * from './requests.ts';
export * from './results.ts';

// ---- the API --------------------------------------------------------------------------------

/** What the renderer sees, whichever transport carries it: one method per call of the table (calls.ts), and the URLs and event streams. */
export type BorexApi = CallClient & {
  /** A URL the UI can show the registered photo from. */
  imageUrl(imageId: string): string;
  /**
   * A URL a <video> element plays an opened video from (openVideo's id): its own file, or the
   * engine's H.264 proxy once a makeProxy job is done. Answers HTTP Range requests (206).
   */
  mediaUrl(videoId: string, variant: MediaVariant): string;
  /** URL of a finished job's file, for links and for tests. */
  fileUrl(request: FileRequest): string;
  onJobEvent(listener: (event: JobEvent) => void): () => void;
  /** App only: a photo, model, folder or annotation opened by the menu, open-with, a second launch or a recent file. */
  onOpened?(listener: (item: OpenedItem) => void): () => void;
  /** App only: menu commands (run, cancel, reset-zoom, shortcuts, open). */
  onCommand?(listener: (command: string) => void): () => void;
};
