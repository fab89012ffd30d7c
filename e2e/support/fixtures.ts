import { test as base, expect } from '@playwright/test';
import type { PostgresInfo } from '../../test/support/servers';
import { makeDataDir, type RunningHost, removeDataDir, startHost } from './host';
import { testPostgres } from './servers';

/** Starts, stops and restarts the real Tidemark host on this test's own data directory. */
export interface TidemarkHost {
  readonly dataDir: string;
  /** The running host; throws if none. */
  readonly host: RunningHost;
  start(env?: NodeJS.ProcessEnv): Promise<RunningHost>;
  stop(): Promise<void>;
  /** Stops the host and starts a new one on the same data directory (a new port and token). */
  restart(): Promise<RunningHost>;
}

/** Everything that crossed the wire between the page and the host. */
export interface Wire {
  /** WebSocket frames the page received, and the bodies of HTTP responses it loaded. */
  received: string[];
  /** WebSocket frames the page sent. */
  sent: string[];
  /** Waits for HTTP bodies still being read. */
  settle(): Promise<void>;
}

type TestFixtures = {
  tidemark: TidemarkHost;
  wire: Wire;
  /** Uncaught page errors and CSP violations; every test fails if there are any. */
  pageProblems: string[];
};
type WorkerFixtures = { postgres: PostgresInfo };

export const test = base.extend<TestFixtures, WorkerFixtures>({
  postgres: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright's fixture signature
    async ({}, use) => {
      await use(testPostgres());
    },
    { scope: 'worker' },
  ],

  // biome-ignore lint/correctness/noEmptyPattern: Playwright's fixture signature
  tidemark: async ({}, use, testInfo) => {
    const dataDir = await makeDataDir();
    let current: RunningHost | null = null;
    let lastEnv: NodeJS.ProcessEnv | undefined;
    const outputs: string[] = [];
    const controller: TidemarkHost = {
      dataDir,
      get host() {
        if (!current) throw new Error('The Tidemark host is not running.');
        return current;
      },
      async start(env) {
        if (current) throw new Error('The Tidemark host is already running.');
        lastEnv = env;
        current = await startHost({ dataDir, ...(env ? { env } : {}) });
        return current;
      },
      async stop() {
        if (!current) return;
        const stopping = current;
        current = null;
        await stopping.stop();
        outputs.push(stopping.output());
      },
      async restart() {
        await controller.stop();
        return controller.start(lastEnv);
      },
    };
    try {
      await use(controller);
    } finally {
      await controller.stop();
      if (testInfo.status !== testInfo.expectedStatus) {
        await testInfo.attach('host-output.txt', {
          body: outputs.join('\n--- restart ---\n'),
          contentType: 'text/plain',
        });
      }
      await removeDataDir(dataDir);
    }
  },

  wire: async ({ page }, use) => {
    const received: string[] = [];
    const sent: string[] = [];
    const reading: Promise<void>[] = [];
    page.on('websocket', (ws) => {
      ws.on('framereceived', (frame) => received.push(String(frame.payload)));
      ws.on('framesent', (frame) => sent.push(String(frame.payload)));
    });
    page.on('response', (response) => {
      reading.push(
        response.text().then(
          (body) => void received.push(body),
          () => undefined,
        ),
      );
    });
    await use({
      received,
      sent,
      async settle() {
        await Promise.all(reading);
      },
    });
  },

  pageProblems: [
    async ({ page }, use) => {
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(`uncaught error: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error' && /Content[- ]Security[- ]Policy/i.test(message.text())) {
          problems.push(`CSP violation: ${message.text()}`);
        }
      });
      await use(problems);
      expect(problems, 'the page threw or broke its Content-Security-Policy').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
