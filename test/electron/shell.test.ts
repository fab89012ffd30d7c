import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_ALERT_RULES } from '../../src/shared/alerts';
import { EVENT_CHANNEL } from '../../src/shared/client';
import { channelNames } from '../../src/shared/contract';
import { ensureBuilt, out } from '../support/build';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { createElectronStub, type ElectronStub, type FakeFrame, fakeEvent } from './electron-stub';

/*
 * The Electron shell as built: out/main/index.js is loaded under Node with
 * 'electron' replaced by a stub (electron-stub.ts), so the real services
 * behind it (router, SQLite store, secret store) run for real.
 */

type ModuleLoad = (request: string, parent: unknown, isMain: boolean) => unknown;
const moduleInternals = Module as unknown as { _load: ModuleLoad };

const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-shell-'));
const pageUrl = pathToFileURL(join(out, 'renderer', 'index.html')).href;
const shellBundle = join(out, 'main', 'index.js');
let electron: ElectronStub;
/** The stub the shell being loaded gets for 'electron'. */
let loading: ElectronStub;
let originalLoad: ModuleLoad;
const envKeys = ['TIDEMARK_DATA_DIR', 'ELECTRON_RENDERER_URL', 'TIDEMARK_SQLITE_BINDING'] as const;
const savedEnv = Object.fromEntries(envKeys.map((k) => [k, process.env[k]]));

type Win = InstanceType<ElectronStub['BrowserWindow']>;
const theWindow = (): Win => {
  const win = electron.BrowserWindow.instances[0];
  if (!win) throw new Error('no window was created');
  return win;
};
const invoke = (channel: string, payload: unknown, senderFrame: FakeFrame | null) => {
  const handler = electron.ipcMain.handlers.get(channel);
  if (!handler) throw new Error(`no handler for ${channel}`);
  return handler({ senderFrame, sender: theWindow().webContents }, payload) as Promise<{
    ok: boolean;
    // biome-ignore lint/suspicious/noExplicitAny: whatever the channel answers; each test reads what it needs.
    value?: any;
    error?: { code: string; message: string };
  }>;
};

beforeAll(async () => {
  ensureBuilt();
  electron = createElectronStub(join(dataDir, 'unused-userData'));
  // The shell's data dir comes from paths.ts; point it at a scratch folder, never the real ~/.config.
  process.env.TIDEMARK_DATA_DIR = dataDir;
  delete process.env.ELECTRON_RENDERER_URL;
  delete process.env.TIDEMARK_SQLITE_BINDING;

  originalLoad = moduleInternals._load;
  moduleInternals._load = function load(request, parent, isMain) {
    if (request === 'electron') return loading.module;
    return originalLoad.call(this, request, parent, isMain);
  };
  loadShell(electron);
  await vi.waitFor(() => expect(theWindow().loadedUrl).not.toBeNull(), { timeout: 20_000 });
}, 240_000);

/** Runs the built shell (again) against `stub`; it reads its environment as it loads. */
function loadShell(stub: ElectronStub): void {
  loading = stub;
  const require = createRequire(import.meta.url);
  delete require.cache[shellBundle];
  require(shellBundle);
}

/** The first quit is held while Tidemark closes; the shell then quits again. */
async function quitShell(stub: ElectronStub): Promise<void> {
  const before = stub.app.quitCalls;
  stub.app.quit();
  await vi.waitFor(() => expect(stub.app.quitCalls).toBe(before + 2), { timeout: 10_000 });
}

afterAll(async () => {
  if (electron) await quitShell(electron);
  if (originalLoad) moduleInternals._load = originalLoad;
  for (const key of envKeys) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the window', () => {
  it('is locked down: context isolation, sandbox, no Node, web security, a preload that exists', () => {
    const prefs = theWindow().options.webPreferences ?? {};
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.webviewTag).not.toBe(true);
    expect(prefs.allowRunningInsecureContent).not.toBe(true);
    expect(typeof prefs.preload).toBe('string');
    expect(existsSync(prefs.preload as string)).toBe(true);
    expect(electron.app.sandboxEnabled).toBe(true);
  });

  it('loads the built renderer', () => {
    expect(theWindow().loadedUrl).toBe(pageUrl);
  });

  it('refuses to navigate away, and sends web links to the OS browser', () => {
    const away = fakeEvent({ url: 'https://evil.example/phish' });
    theWindow().webContents.emit('will-navigate', away, away.url);
    expect(away.defaultPrevented).toBe(true);
    expect(electron.openedExternally).toContain('https://evil.example/phish');

    const file = fakeEvent({ url: 'file:///etc/passwd' });
    theWindow().webContents.emit('will-navigate', file, file.url);
    expect(file.defaultPrevented).toBe(true);
    expect(electron.openedExternally).not.toContain('file:///etc/passwd');

    // A reload of our own page is not navigation away.
    const reload = fakeEvent({ url: `${pageUrl}#/profiles` });
    theWindow().webContents.emit('will-navigate', reload, reload.url);
    expect(reload.defaultPrevented).toBe(false);
  });

  it('refuses a redirect away from the app, and opens it nowhere', () => {
    const redirect = fakeEvent({ url: 'https://evil.example/landing' });
    theWindow().webContents.emit('will-redirect', redirect);
    expect(redirect.defaultPrevented).toBe(true);
    expect(electron.openedExternally).not.toContain('https://evil.example/landing');

    const own = fakeEvent({ url: `${pageUrl}#/storage` });
    theWindow().webContents.emit('will-redirect', own);
    expect(own.defaultPrevented).toBe(false);
  });

  it('refuses to navigate any frame inside the page, even to the app itself', () => {
    for (const url of ['https://evil.example/frame', 'file:///etc/passwd', pageUrl]) {
      const frame = fakeEvent({ url, isMainFrame: false });
      theWindow().webContents.emit('will-frame-navigate', frame);
      expect(frame.defaultPrevented, url).toBe(true);
    }
    expect(electron.openedExternally).not.toContain('https://evil.example/frame');
    // The main frame's navigation is will-navigate's to judge (a link may go to the OS browser).
    const main = fakeEvent({ url: `${pageUrl}#/alerts`, isMainFrame: true });
    theWindow().webContents.emit('will-frame-navigate', main);
    expect(main.defaultPrevented).toBe(false);
  });

  it('never opens a second window', () => {
    const handler = theWindow().webContents.windowOpenHandler;
    expect(handler).toBeTypeOf('function');
    expect(handler!({ url: 'https://www.postgresql.org/docs/' })).toEqual({ action: 'deny' });
    expect(electron.openedExternally).toContain('https://www.postgresql.org/docs/');
    expect(handler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(handler!({ url: pageUrl })).toEqual({ action: 'deny' });
    expect(electron.openedExternally).not.toContain('javascript:alert(1)');
  });

  it('grants no permission but notifications', () => {
    const ask = (permission: string) => {
      let granted: boolean | undefined;
      electron.session.permissionRequestHandler!(theWindow().webContents, permission, (g: boolean) => {
        granted = g;
      });
      return granted;
    };
    expect(ask('notifications')).toBe(true);
    for (const permission of ['media', 'geolocation', 'clipboard-read', 'openExternal', 'display-capture']) {
      expect(ask(permission), permission).toBe(false);
    }
    expect(electron.session.permissionCheckHandler!(theWindow().webContents, 'media', pageUrl, {})).toBe(
      false,
    );
  });
});

describe('the renderer page', () => {
  /** The built page's CSP, directive by directive, with the HTML entities the build writes decoded. */
  function builtPolicy(): Map<string, string[]> {
    const html = readFileSync(join(out, 'renderer', 'index.html'), 'utf8');
    const meta = html.match(/<meta[^>]+http-equiv=["']Content-Security-Policy["'][^>]*>/i)?.[0];
    expect(meta, 'no CSP meta tag in out/renderer/index.html').toBeDefined();
    const policy = (meta!.match(/content=(["'])(.*?)\1/i)?.[2] ?? '')
      .replaceAll('&#39;', "'")
      .replaceAll('&quot;', '"')
      .replaceAll('&amp;', '&');
    expect(policy).not.toContain('unsafe-eval');
    return new Map(
      policy
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .filter((parts) => parts[0])
        .map(([name, ...values]) => [name!.toLowerCase(), values] as const),
    );
  }

  it('carries a Content-Security-Policy that allows no eval and no inline script', () => {
    const directives = builtPolicy();
    const scripts = directives.get('script-src') ?? directives.get('default-src');
    expect(scripts, 'the policy restricts no scripts (no script-src or default-src)').toBeDefined();
    expect(scripts).toEqual(["'self'"]);
  });

  it('connects nowhere in Electron: the bridge is its only way out, so no socket is allowed', () => {
    const directives = builtPolicy();
    expect(directives.get('connect-src')).toEqual(["'none'"]);
    expect(directives.get('frame-src')).toEqual(["'none'"]);
    expect([...directives.values()].flat().join(' ')).not.toMatch(/ws:|wss:|\*/);
  });
});

describe('the page a window loads', () => {
  const devServer = 'http://localhost:5173/';

  async function shellWith(isPackaged: boolean, rendererUrl: string) {
    const dir = mkdtempSync(join(tmpdir(), 'tidemark-shell-page-'));
    const stub = createElectronStub(join(dir, 'unused-userData'), { isPackaged });
    const saved = { data: process.env.TIDEMARK_DATA_DIR, url: process.env.ELECTRON_RENDERER_URL };
    process.env.TIDEMARK_DATA_DIR = dir;
    process.env.ELECTRON_RENDERER_URL = rendererUrl;
    try {
      loadShell(stub);
    } finally {
      process.env.TIDEMARK_DATA_DIR = saved.data;
      if (saved.url === undefined) delete process.env.ELECTRON_RENDERER_URL;
      else process.env.ELECTRON_RENDERER_URL = saved.url;
    }
    const win = await vi.waitFor(
      () => {
        const created = stub.BrowserWindow.instances[0];
        expect(created?.loadedUrl).toBeTruthy();
        return created!;
      },
      { timeout: 20_000 },
    );
    await quitShell(stub);
    rmSync(dir, { recursive: true, force: true });
    return win.loadedUrl;
  }

  it('is the built renderer in a packaged app, whatever ELECTRON_RENDERER_URL says', async () => {
    expect(await shellWith(true, 'https://evil.example/')).toBe(pageUrl);
  });

  it("is electron-vite's dev server only when running from a checkout", async () => {
    expect(await shellWith(false, devServer)).toBe(devServer);
  });
});

describe('the IPC adapter', () => {
  it('has a handler for every channel of the contract, and no other', () => {
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual([...channelNames].sort());
  });

  it('answers our window through the real router', async () => {
    const result = await invoke('app:getInfo', {}, theWindow().webContents.mainFrame);
    expect(result.ok).toBe(true);
    expect(result.value).toMatchObject({
      mode: 'electron',
      dataDir,
      secretStorage: { backend: 'gnome_libsecret', strong: true },
    });
  });

  it('refuses a sender that is not our window showing our page', async () => {
    const main = theWindow().webContents.mainFrame;
    const foreign: Array<[string, FakeFrame | null]> = [
      ['no frame', null],
      ['an iframe in our page', { ...main, routingId: main.routingId + 100 }],
      ['another process', { ...main, processId: main.processId + 1 }],
      ['our frame after leaving our page', { ...main, url: 'https://evil.example/' }],
    ];
    for (const [what, frame] of foreign) {
      const result = await invoke('app:getInfo', {}, frame);
      expect(result.ok, what).toBe(false);
      expect(result.error?.message, what).toMatch(/refused/);
    }
  });

  it('stores a password through safeStorage, never returns it, and forwards the change event', async () => {
    const password = 'correct horse battery staple';
    const result = await invoke(
      'profiles:create',
      {
        name: 'reporting',
        host: 'db1.example.internal',
        port: 5432,
        database: 'reports',
        user: 'dba',
        passwordMode: 'store',
        password,
      },
      theWindow().webContents.mainFrame,
    );
    expect(result.ok, JSON.stringify(result.error)).toBe(true);
    expect(JSON.stringify(result)).not.toContain(password);
    expect(result.value).toMatchObject({ hasStoredPassword: true });
    // Sealed with the server it is for (see the safeStorage secret store).
    expect(electron.encrypted.some((plain) => plain.includes(password))).toBe(true);
    expect(electron.sent).toContainEqual({
      channel: EVENT_CHANNEL,
      message: { event: 'profiles:changed', payload: { reason: 'created', id: result.value!.id } },
    });
  });
});

describe('alerts on the desktop', () => {
  let pg: TestDatabase;
  beforeAll(async () => {
    pg = await createTestDatabase('shell alerts');
  });
  afterAll(async () => {
    await pg?.cleanup();
  });

  it('shows the active-alert count on the badge from the start', () => {
    expect(electron.badgeCounts[0]).toBe(0);
  });

  it('turns a raised alert into a desktop notification, the badge count and an event to the window', async () => {
    const frame = theWindow().webContents.mainFrame;
    const { host, port, database, user } = pg.fields;
    const created = await invoke(
      'profiles:create',
      {
        name: 'alerting',
        host,
        port,
        database,
        user,
        sslmode: 'disable',
        passwordMode: 'store',
        password: pg.password,
      },
      frame,
    );
    expect(created.ok, JSON.stringify(created.error)).toBe(true);
    const profileId = created.value.id as string;
    // Any database is above 1 MiB: the absolute-size rule fires on the next sample.
    const rules = { ...DEFAULT_ALERT_RULES, growthFloorBytes: 0, sizeCriticalBytes: 1024 * 1024 };
    expect((await invoke('rules:set', { profileIds: [profileId], rules }, frame)).ok).toBe(true);

    // The app's own first sample of a new profile may be running with the old rules: sample until it shows.
    const alert = await vi.waitFor(
      async () => {
        await invoke('storage:sampleNow', { profileId }, frame);
        const listed = await invoke('alerts:list', { profileId }, frame);
        expect(listed.value).toHaveLength(1);
        return listed.value[0] as { id: number; kind: string; message: string };
      },
      { timeout: 30_000, interval: 200 },
    );
    expect(alert.kind).toBe('size_critical');
    expect(electron.notifications).toEqual([
      { title: 'Critical database size — alerting', body: alert.message, urgency: 'critical', shown: true },
    ]);
    expect(electron.badgeCounts.at(-1)).toBe(1);
    expect(electron.sent).toContainEqual({
      channel: EVENT_CHANNEL,
      message: { event: 'alerts:changed', payload: expect.objectContaining({ profileId, change: 'raised' }) },
    });

    // Acknowledged from the window: the badge clears, and no new notification.
    const acked = await invoke('alerts:ack', { id: alert.id }, frame);
    expect(acked.ok).toBe(true);
    expect(electron.badgeCounts.at(-1)).toBe(0);
    expect(electron.notifications).toHaveLength(1);
  });

  it.runIf(process.platform === 'linux')(
    'writes a server name into a Linux notification body as text, never as markup',
    async () => {
      // The freedesktop body is markup (b, i, u, a href, img) wherever the server advertises body-markup.
      const hostile = '<a href="https://e.vil/">Sign in</a> & <img src=x>';
      const admin = await pg.admin();
      await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(hostile)}`);
      try {
        const frame = theWindow().webContents.mainFrame;
        const { host, port, user } = pg.fields;
        const created = await invoke(
          'profiles:create',
          {
            name: 'markup',
            host,
            port,
            database: hostile,
            user,
            sslmode: 'disable',
            passwordMode: 'store',
            password: pg.password,
          },
          frame,
        );
        expect(created.ok, JSON.stringify(created.error)).toBe(true);
        const profileId = created.value.id as string;
        const rules = { ...DEFAULT_ALERT_RULES, growthFloorBytes: 0, sizeCriticalBytes: 1024 * 1024 };
        expect((await invoke('rules:set', { profileIds: [profileId], rules }, frame)).ok).toBe(true);
        const before = electron.notifications.length;
        await vi.waitFor(
          async () => {
            await invoke('storage:sampleNow', { profileId }, frame);
            expect(electron.notifications.length).toBeGreaterThan(before);
          },
          { timeout: 30_000, interval: 200 },
        );
        const { body } = electron.notifications.at(-1)!;
        expect(body).toContain(
          'Database &lt;a href="https://e.vil/"&gt;Sign in&lt;/a&gt; &amp; &lt;img src=x&gt; is',
        );
        expect(body).not.toMatch(/[<>]/);
        expect((await invoke('profiles:delete', { id: profileId }, frame)).ok).toBe(true);
      } finally {
        await admin.query(`DROP DATABASE ${admin.escapeIdentifier(hostile)} WITH (FORCE)`);
      }
    },
  );
});
