import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../support/build';

/*
 * The packaging configuration, read as electron-builder reads it. The package
 * itself cannot be built on these machines (electron-builder downloads
 * Electron), so what a DBA installs is checked here, setting by setting.
 */

interface BuilderConfig {
  appId?: string;
  productName?: string;
  files?: string[];
  asar?: boolean;
  electronFuses?: Record<string, boolean>;
  linux?: { target?: string[] };
  mac?: { target?: string[] };
  win?: { target?: string[] };
}

const config = JSON.parse(readFileSync(join(root, 'electron-builder.json'), 'utf8')) as BuilderConfig;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string;
  productName: string;
  scripts: Record<string, string>;
};

describe('the packaged app', () => {
  it('flips every fuse at package time: no Node mode, no NODE_OPTIONS, no inspector, only its own checked asar', () => {
    expect(config.electronFuses).toEqual({
      // ELECTRON_RUN_AS_NODE would turn the signed binary into a plain Node for any local process.
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
    });
    // onlyLoadAppFromAsar and the integrity check need the app in an asar archive.
    expect(config.asar).toBe(true);
  });

  it('is built for Linux (AppImage, deb), macOS (dmg) and Windows (nsis)', () => {
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.mac?.target).toEqual(['dmg']);
    expect(config.win?.target).toEqual(['nsis']);
  });

  it('names itself, and ships the built app without its source maps', () => {
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z]+){2,}$/);
    expect(config.productName).toBe(pkg.productName);
    expect(config.files).toContain('out/**/*');
    expect(config.files).toContain('!out/**/*.map');
    expect(pkg.main.replace(/^\.\//, '')).toMatch(/^out\//);
  });

  it('is made by `npm run package` from this configuration, and never published from it', () => {
    const script = pkg.scripts.package ?? '';
    expect(script).toMatch(/^electron-vite build && /);
    expect(script).toContain('electron-builder@');
    expect(script).toContain('--config electron-builder.json');
    expect(script).toContain('--publish never');
  });
});
