/**
 * A stand-in for the 'electron' module: the Electron binary cannot run on
 * these machines, so the built shell is loaded under Node with this instead.
 * It records what the shell asks of Electron and lets the test play the
 * events Electron would emit. Only the surface the shell uses is here; a
 * call to anything else fails loudly as "not a function".
 */

type Listener = (...args: unknown[]) => unknown;

class Emitter {
  readonly listeners = new Map<string, Listener[]>();

  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }

  once(event: string, listener: Listener): this {
    return this.on(event, listener);
  }

  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
  }
}

export interface FakeFrame {
  processId: number;
  routingId: number;
  url: string;
}

/** What a handler sees as the IPC or navigation event. */
export function fakeEvent<T extends object>(fields: T = {} as T) {
  let prevented = false;
  return {
    ...fields,
    preventDefault() {
      prevented = true;
    },
    get defaultPrevented() {
      return prevented;
    },
  };
}

export function createElectronStub(userData: string, options: { isPackaged?: boolean } = {}) {
  const sent: Array<{ channel: string; message: unknown }> = [];
  const openedExternally: string[] = [];
  const errorBoxes: Array<{ title: string; content: string }> = [];
  const encrypted: string[] = [];
  const notifications: Array<{ title: string; body: string; urgency?: string; shown: boolean }> = [];
  const badgeCounts: number[] = [];
  const paths = new Map<string, string>([['userData', userData]]);
  const session = {
    permissionRequestHandler: null as null | ((...args: unknown[]) => void),
    permissionCheckHandler: null as null | ((...args: unknown[]) => boolean),
    setPermissionRequestHandler(handler: (...args: unknown[]) => void) {
      session.permissionRequestHandler = handler;
    },
    setPermissionCheckHandler(handler: (...args: unknown[]) => boolean) {
      session.permissionCheckHandler = handler;
    },
  };

  let nextRoutingId = 1;

  class WebContents extends Emitter {
    readonly mainFrame: FakeFrame = { processId: 7, routingId: nextRoutingId++, url: 'about:blank' };
    readonly session = session;
    windowOpenHandler: null | ((details: { url: string }) => { action: string }) = null;

    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
      this.windowOpenHandler = handler;
    }

    send(channel: string, message: unknown) {
      sent.push({ channel, message });
    }

    isDestroyed() {
      return false;
    }
  }

  class BrowserWindow extends Emitter {
    static readonly instances: BrowserWindow[] = [];
    static getAllWindows() {
      return BrowserWindow.instances.filter((w) => !w.destroyed);
    }

    readonly webContents = new WebContents();
    loadedUrl: string | null = null;
    destroyed = false;

    constructor(readonly options: Record<string, unknown> & { webPreferences?: Record<string, unknown> }) {
      super();
      BrowserWindow.instances.push(this);
    }

    async loadURL(url: string) {
      this.loadedUrl = url;
      this.webContents.mainFrame.url = url;
    }

    isDestroyed() {
      return this.destroyed;
    }
    isMinimized() {
      return false;
    }
    show() {}
    focus() {}
    restore() {}
  }

  const app = Object.assign(new Emitter(), {
    isPackaged: options.isPackaged ?? false,
    quitCalls: 0,
    exitCode: null as number | null,
    sandboxEnabled: false,
    name: 'tidemark',
    enableSandbox() {
      app.sandboxEnabled = true;
    },
    setName(name: string) {
      app.name = name;
    },
    getPath(name: string) {
      const path = paths.get(name);
      if (!path) throw new Error(`stub app.getPath: no path "${name}"`);
      return path;
    },
    setPath(name: string, path: string) {
      paths.set(name, path);
    },
    requestSingleInstanceLock: () => true,
    whenReady: () => Promise.resolve(),
    quit() {
      app.quitCalls++;
      // Electron emits will-quit; a handler may hold it with preventDefault.
      const event = fakeEvent();
      app.emit('will-quit', event);
    },
    exit(code: number) {
      app.exitCode = code;
    },
    setBadgeCount(count: number) {
      badgeCounts.push(count);
      return true;
    },
  });

  class Notification extends Emitter {
    static isSupported() {
      return true;
    }
    readonly record: (typeof notifications)[number];
    constructor(options: { title: string; body: string; urgency?: string }) {
      super();
      this.record = { ...options, shown: false };
      notifications.push(this.record);
    }
    show() {
      this.record.shown = true;
    }
  }

  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const ipcMain = {
    handlers,
    handle(channel: string, handler: (event: unknown, ...args: unknown[]) => unknown) {
      // Electron throws on a second handler for the same channel.
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      handlers.set(channel, handler);
    },
    removeHandler(channel: string) {
      handlers.delete(channel);
    },
  };

  // Reversible but not the identity, so a test can tell a ciphertext from its plain text.
  const safeStorage = {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => 'gnome_libsecret',
    encryptString(plain: string) {
      encrypted.push(plain);
      return Buffer.from(`v11${Buffer.from(plain, 'utf8').toString('base64')}`);
    },
    decryptString(cipher: Buffer) {
      const text = cipher.toString('utf8');
      if (!text.startsWith('v11'))
        throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return Buffer.from(text.slice(3), 'base64').toString('utf8');
    },
  };

  const module = {
    app,
    BrowserWindow,
    Notification,
    ipcMain,
    safeStorage,
    session: { defaultSession: session },
    shell: {
      async openExternal(url: string) {
        openedExternally.push(url);
      },
    },
    Menu: {
      applicationMenu: null as unknown,
      buildFromTemplate: (template: unknown) => ({ template }),
      setApplicationMenu(menu: unknown) {
        module.Menu.applicationMenu = menu;
      },
    },
    dialog: {
      showErrorBox(title: string, content: string) {
        errorBoxes.push({ title, content });
      },
    },
  };

  return {
    module,
    app,
    BrowserWindow,
    ipcMain,
    session,
    sent,
    openedExternally,
    errorBoxes,
    encrypted,
    notifications,
    badgeCounts,
  };
}

export type ElectronStub = ReturnType<typeof createElectronStub>;
