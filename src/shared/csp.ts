/**
 * The page's Content Security Policy, declared once: only our own origin; inline styles for
 * Svelte/plotly; no eval, no other origins. The app (app://) and serve differ only in what the
 * page may connect to: serve's page also opens its event WebSocket.
 */
export function contentSecurityPolicy(connectSrc: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    ["connect-src 'self'", ...connectSrc].join(' '),
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}
