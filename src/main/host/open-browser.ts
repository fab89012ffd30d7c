import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]!);

/**
 * A page in the data folder (0600, in a 0700 folder) that leads the browser on to
 * `url`. A process's arguments can be read by every user of the machine (ps,
 * /proc/PID/cmdline) and the browser keeps the ones it started with, so the
 * opener is given this file, never the URL with its per-launch token.
 */
function launchPage(url: string, dataDir: string): string {
  const page = join(dataDir, 'open-tidemark.html');
  const href = escapeHtml(url);
  rmSync(page, { force: true });
  writeFileSync(
    page,
    `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${href}">` +
      `<title>Tidemark</title><a href="${href}">Open Tidemark</a>\n`,
    { mode: 0o600, flag: 'wx' },
  );
  return pathToFileURL(page).href;
}

/** Best effort: the URL is printed anyway, so a missing opener is not an error. */
export function openBrowser(url: string, dataDir: string): void {
  try {
    const target = launchPage(url, dataDir);
    const [command, args] =
      process.platform === 'darwin'
        ? ['open', [target]]
        : process.platform === 'win32'
          ? ['cmd', ['/c', 'start', '""', target]]
          : ['xdg-open', [target]];
    const child = spawn(command, args, { detached: true, stdio: 'ignore' });
    child.on('error', () => {});
    child.unref();
  } catch {
    // No opener on this machine, or the page could not be written: the printed URL still works.
  }
}
