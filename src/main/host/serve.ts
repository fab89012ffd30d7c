import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createTidemark } from '../app';
import { createDataDir } from '../data-dir';
import { defaultDataDir } from '../paths';
import { KeyFileSecretStore } from '../secrets/key-file-secret-store';
import { keepServingOnUnexpectedErrors } from './last-resort';
import { openBrowser } from './open-browser';
import { startHost } from './server';

/** Browser mode: `node out/main/serve.js [--data-dir DIR] [--port N] [--no-open]`. */
async function main() {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      'no-open': { type: 'boolean', default: false },
    },
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a number between 0 and 65535 (got "${values.port}").`);
  }
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  createDataDir(dataDir);

  const tidemark = await createTidemark({
    dataDir,
    mode: 'browser',
    secretStore: new KeyFileSecretStore(dataDir),
    background: true,
  });
  keepServingOnUnexpectedErrors(tidemark.logger);
  const host = await startHost({
    router: tidemark.router,
    events: tidemark.events,
    logger: tidemark.logger,
    staticDir: join(__dirname, '..', 'renderer'),
    port,
  });
  console.log(`Tidemark is running at ${host.url}`);
  console.log(`Data directory: ${dataDir}`);
  console.log('Press Ctrl+C to stop.');
  if (!values['no-open'] && !process.env.CI) openBrowser(host.url, dataDir);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await host.close();
    await tidemark.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`Tidemark could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
