import { resolve } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, safeStorage } from 'electron';
import { EVENT_CHANNEL } from '../shared/client';
import { createTidemark, type Tidemark } from './app';
import { createDataDir } from './data-dir';
import { dataDirArg } from './electron/data-dir';
import { registerIpc } from './electron/ipc';
import { installMenu } from './electron/menu';
import { createDesktopNotifier } from './electron/notifier';
import { preloadPath, rendererUrl } from './electron/page';
import { createSafeStorageSecretStore } from './electron/secret-store';
import { createMainWindow, isTrustedFrame } from './electron/window';
import { createLogger, type Logger } from './logger';
import { defaultDataDir } from './paths';

/*
 * The Electron shell: everything Tidemark does lives in the services built by
 * createTidemark; this file only gives them a window, an IPC adapter and the
 * OS keychain.
 */

// Sandbox every renderer, whatever a window's options say.
app.enableSandbox();

app.setName('Tidemark');
// One data dir for the desktop app, browser mode and the CLI (see paths.ts). Chromium's own
// files go there too, so the single-instance lock below is per data dir.
app.setPath('userData', resolve(dataDirArg(process.argv) ?? defaultDataDir()));

if (app.requestSingleInstanceLock()) {
  runShell();
} else {
  // Another Tidemark already has this data dir; it gets focused through 'second-instance'.
  app.quit();
}

function runShell(): void {
  const pageUrl = rendererUrl(process.env, __dirname, app.isPackaged);
  let win: BrowserWindow | null = null;
  let tidemark: Tidemark | null = null;
  let log: Logger | null = null;

  const openWindow = (logger: Logger) => {
    win = createMainWindow({ pageUrl, preload: preloadPath(__dirname), log: logger });
    win.on('closed', () => {
      win = null;
    });
    win
      .loadURL(pageUrl)
      .catch((err: unknown) => logger.error({ err, pageUrl }, 'the window could not load Tidemark'));
  };

  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });

  app.on('window-all-closed', () => {
    // macOS apps stay in the dock with no window open.
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('activate', () => {
    if (tidemark && log && BrowserWindow.getAllWindows().length === 0) openWindow(log);
  });

  // Close pools and the store before the process goes: hold the quit once, then let it through.
  app.on('will-quit', (event) => {
    const running = tidemark;
    if (!running) return;
    tidemark = null;
    event.preventDefault();
    running
      .close()
      .catch((err: unknown) => log?.error({ err }, 'closing Tidemark failed'))
      .finally(() => app.quit());
  });

  app
    .whenReady()
    .then(async () => {
      const dataDir = app.getPath('userData');
      createDataDir(dataDir);
      const logger = createLogger(dataDir);
      log = logger;
      try {
        tidemark = await createTidemark({
          dataDir,
          mode: 'electron',
          secretStore: createSafeStorageSecretStore(safeStorage, process.platform),
          logger,
          background: true,
          notifier: createDesktopNotifier(app, () => win, logger),
        });
      } catch (err) {
        logger.error({ err, dataDir }, 'Tidemark could not start');
        dialog.showErrorBox('Tidemark cannot start', err instanceof Error ? err.message : String(err));
        app.exit(1);
        return;
      }
      registerIpc(ipcMain, tidemark.router, (frame) => isTrustedFrame(frame, win, pageUrl), logger);
      tidemark.events.subscribe((message) => {
        if (win && !win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, message);
      });
      installMenu(process.platform, !app.isPackaged);
      openWindow(logger);
    })
    .catch((err: unknown) => {
      console.error('Tidemark failed to start:', err);
      app.exit(1);
    });
}
