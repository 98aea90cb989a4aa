import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The checks every request to `borex serve` passes: Host must name this server on the loopback
 * (defeats DNS rebinding), a present Origin must be this server (defeats cross-site requests), and
 * /api/ needs the session token, as `Authorization: Bearer T` or, where a browser cannot set
 * headers (img src, downloads, WebSocket), as `?token=T`.
 */
export class RequestGuard {
  constructor(
    private readonly token: string,
    private port = 0,
  ) {}

  setPort(port: number): void {
    this.port = port;
  }

  private hosts(): string[] {
    return [`127.0.0.1:${this.port}`, `localhost:${this.port}`];
  }

  hostOk(req: IncomingMessage): boolean {
    return this.hosts().includes(req.headers.host ?? '');
  }

  /** A missing Origin is allowed for plain requests (same-origin GETs, non-browser clients) unless required. */
  originOk(req: IncomingMessage, required = false): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return !required;
    return this.hosts().some((h) => origin === `http://${h}`);
  }

  tokenOk(req: IncomingMessage, url: URL): boolean {
    const auth = req.headers.authorization;
    const given = auth?.startsWith('Bearer ') ? auth.slice(7) : url.searchParams.get('token');
    if (!given) return false;
    const a = Buffer.from(given);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
