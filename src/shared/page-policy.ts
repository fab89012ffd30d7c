/**
 * The renderer page's Content-Security-Policy, one per way the page is shown.
 * No inline or evaluated script anywhere; what differs is where the page may
 * connect:
 * - electron: loaded from file:// and talking through the preload bridge, it
 *   connects nowhere;
 * - browser: the host's WebSocket, on the page's own origin and nothing else;
 * - development: electron-vite's dev server and its hot-reload socket.
 */
export type PageMode = { kind: 'electron' } | { kind: 'browser'; port: number } | { kind: 'development' };

const SHARED = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "object-src 'none'",
  "frame-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
];

function connectSources(mode: PageMode): string {
  switch (mode.kind) {
    case 'electron':
      return "'none'";
    case 'browser':
      return `'self' ws://127.0.0.1:${mode.port} ws://localhost:${mode.port}`;
    case 'development':
      return "'self' ws://127.0.0.1:* ws://localhost:*";
  }
}

export function pagePolicy(mode: PageMode): string {
  return [...SHARED, `connect-src ${connectSources(mode)}`].join('; ');
}
