import { BrowserWindow, shell, type WebFrameMain } from 'electron';
import type { Logger } from '../logger';
import { isOurPage, isWebLink } from './page';

/** The only permission the page may have: desktop notifications for alerts. */
const allowedPermissions = new Set(['notifications']);

export interface MainWindowOptions {
  pageUrl: string;
  preload: string;
  log: Logger;
}

/** The one window, locked down: it shows our page and nothing else. */
export function createMainWindow({ pageUrl, preload, log }: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 560,
    title: 'Tidemark',
    show: false,
    autoHideMenuBar: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  const contents = win.webContents;

  const refuse = (event: { url: string; preventDefault(): void }, what: string) => {
    event.preventDefault();
    log.warn({ url: event.url }, `${what} refused`);
  };

  // A link the DBA follows: web links open in their browser, the window stays on Tidemark.
  contents.on('will-navigate', (event) => {
    if (isOurPage(event.url, pageUrl)) return;
    refuse(event, 'navigation away from Tidemark');
    if (isWebLink(event.url)) void shell.openExternal(event.url);
  });

  // A redirect is the server's choice, not the DBA's: refused, and opened nowhere.
  contents.on('will-redirect', (event) => {
    if (!isOurPage(event.url, pageUrl)) refuse(event, 'redirect away from Tidemark');
  });

  // The main frame is will-navigate's; Tidemark has no other frames (CSP frame-src 'none').
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) refuse(event, 'navigation of a frame inside Tidemark');
  });

  // No second window, ever: web links open in the DBA's browser instead.
  contents.setWindowOpenHandler(({ url }) => {
    if (isWebLink(url)) void shell.openExternal(url);
    else log.warn({ url }, 'window.open refused');
    return { action: 'deny' };
  });

  contents.on('will-attach-webview', (event) => event.preventDefault());

  const session = contents.session;
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    callback(allowedPermissions.has(permission));
  });
  session.setPermissionCheckHandler((_contents, permission) => allowedPermissions.has(permission));

  win.once('ready-to-show', () => win.show());
  return win;
}

/**
 * An IPC message is ours only if it comes from the top frame of our window
 * while that frame shows our page: not an iframe, not a page it was tricked
 * into loading.
 */
export function isTrustedFrame(
  frame: WebFrameMain | null,
  win: BrowserWindow | null,
  pageUrl: string,
): boolean {
  if (!frame || !win || win.isDestroyed()) return false;
  const main = win.webContents.mainFrame;
  return (
    frame.processId === main.processId && frame.routingId === main.routingId && isOurPage(frame.url, pageUrl)
  );
}
