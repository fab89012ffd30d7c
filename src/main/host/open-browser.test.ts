import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { openBrowser } from './open-browser';

/**
 * A process's arguments can be read by every user of the machine (ps, /proc/PID/cmdline), and
 * the browser keeps the ones it was started with: the per-launch token must not be among them.
 */
describe.runIf(process.platform === 'linux')('openBrowser', () => {
  it('hands the opener a private file that leads to the URL, never the token itself', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'tidemark-opener-'));
    const seen = join(bin, 'args');
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${seen}'\n`, { mode: 0o755 });
    const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-data-'));
    const token = 'tok-Zq7_secret-per-launch';
    const url = `http://127.0.0.1:7400/?token=${token}`;
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      openBrowser(url, dataDir);
    } finally {
      process.env.PATH = path;
    }
    const args = await vi.waitFor(() => readFileSync(seen, 'utf8').trim().split('\n'));
    expect(args.join(' ')).not.toContain(token);
    expect(args).toHaveLength(1);
    const page = fileURLToPath(args[0]!);
    expect(statSync(page).mode & 0o777).toBe(0o600);
    const html = readFileSync(page, 'utf8');
    expect(html).toContain(`<meta http-equiv="refresh" content="0;url=${url}">`);
  });
});
