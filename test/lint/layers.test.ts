import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

// The layer rules live in biome.json; this proves `npm run lint` fails on each kind of violation
// (and passes the imports each layer is allowed), by linting small files laid out like src/.
const root = resolve(__dirname, '../..');
const biome = join(root, 'node_modules', '.bin', 'biome');

const files: Record<string, string> = {
  'src/renderer/pages/ImportsMain.tsx':
    "import { Router } from '../../main/router';\nexport const x = Router;\n",
  'src/renderer/pages/ImportsPg.tsx': "import pg from 'pg';\nexport const x = pg;\n",
  'src/renderer/pages/ImportsShared.tsx': "import { ok } from '../../shared/result';\nexport const x = ok;\n",
  'src/shared/imports-pg.ts': "import pg from 'pg';\nexport const x = pg;\n",
  'src/shared/imports-main.ts': "import { AppError } from '../main/errors';\nexport const x = AppError;\n",
  'src/shared/channels/imports-main.ts':
    "import { AppError } from '../../main/errors';\nexport const x = AppError;\n",
  'src/shared/imports-zod.ts':
    "import { z } from 'zod';\nimport { ok } from './result';\nexport const x = [z, ok];\n",
  'src/shared/channels/imports-shared.ts':
    "import { profileSchema } from '../profile';\nexport const x = profileSchema;\n",
  'src/main/collector/imports-electron.ts': "import { app } from 'electron';\nexport const x = app;\n",
  'src/main/electron/imports-electron.ts': "import { app } from 'electron';\nexport const x = app;\n",
  'src/preload/imports-electron.ts':
    "import { contextBridge } from 'electron';\nexport const x = contextBridge;\n",
  'src/main/handlers/imports-local-db.ts':
    "import { openDatabase } from '../local-db/database';\nexport const x = openDatabase;\n",
  'src/main/handlers/imports-postgres.ts':
    "import { testConnection } from '../postgres/connection-test';\nexport const x = testConnection;\n",
  'src/main/handlers/imports-service.ts':
    "import { ProfileService } from '../profiles/profile-service';\nexport const x = ProfileService;\n",
};

let flagged: Set<string>;

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-layers-'));
  cpSync(join(root, 'biome.json'), join(dir, 'biome.json'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const run = spawnSync(
    biome,
    ['lint', '--vcs-enabled=false', '--max-diagnostics=none', '--reporter=github', '.'],
    {
      cwd: dir,
      encoding: 'utf8',
    },
  );
  rmSync(dir, { recursive: true, force: true });
  // One line per diagnostic: ::error title=lint/style/noRestrictedImports,file=/tmp/…/src/…,line=…
  const lines = run.stdout
    .split('\n')
    .filter((line) => line.includes('title=lint/style/noRestrictedImports'));
  flagged = new Set(
    lines.map((line) => relative(dir, /file=([^,]+)/.exec(line)?.[1] ?? '').replace(/\\/g, '/')),
  );
});

describe('layer rules in biome.json', () => {
  it.each([
    'src/renderer/pages/ImportsMain.tsx',
    'src/renderer/pages/ImportsPg.tsx',
    'src/shared/imports-pg.ts',
    'src/shared/imports-main.ts',
    'src/shared/channels/imports-main.ts',
    'src/main/collector/imports-electron.ts',
    'src/main/handlers/imports-local-db.ts',
    'src/main/handlers/imports-postgres.ts',
  ])('refuses %s', (path) => {
    expect(flagged.has(path)).toBe(true);
  });

  it.each([
    'src/renderer/pages/ImportsShared.tsx',
    'src/shared/imports-zod.ts',
    'src/shared/channels/imports-shared.ts',
    'src/main/electron/imports-electron.ts',
    'src/preload/imports-electron.ts',
    'src/main/handlers/imports-service.ts',
  ])('allows %s', (path) => {
    expect(flagged.has(path)).toBe(false);
  });
});
