import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../../../test/support/cli';
import { DAY_MS, GiB, HOUR_MS, MiB, sample } from '../../../test/support/history-fixtures';
import type { FleetOverview } from '../../shared/fleet';
import type { Profile } from '../../shared/profile';
import { createTidemark } from '../app';
import { KeyFileSecretStore } from '../secrets/key-file-secret-store';

const hostile = 'evil\u001b[31m\nname';
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tidemark-cli-fleet-'));
  const app = await createTidemark({ dataDir, mode: 'cli', secretStore: new KeyFileSecretStore(dataDir) });
  const add = async (name: string) => {
    const r = await app.router.dispatch('profiles:create', {
      name,
      host: 'db.example',
      port: 5432,
      database: 'app',
      user: 'dba',
      tags: ['prod'],
    });
    if (!r.ok) throw new Error(r.error.message);
    return (r.value as Profile).id;
  };
  const calm = await add('calm');
  const down = await add(hostile);
  const now = Date.now();
  for (let t = now - 3 * DAY_MS; t <= now; t += 6 * HOUR_MS) {
    app.monitoring.history.saveSample(calm, sample(t, [], GiB + ((t - now) / DAY_MS) * MiB));
  }
  app.monitoring.history.recordBeat(calm, { at: new Date(now), ok: true, latencyMs: 2, message: null });
  // Its last sample failed after the good ones: the row says so beside the last good one.
  app.monitoring.history.recordAttempt(calm, { at: new Date(now + 1000), ok: false, error: 'refused' });
  app.monitoring.history.recordBeat(down, {
    at: new Date(now),
    ok: false,
    latencyMs: null,
    message: 'refused',
  });
  await app.close();
}, 60_000);

describe('tidemark fleet', () => {
  it('prints every server most at risk first, names made safe for the terminal', async () => {
    const run = await spawnCli(['fleet'], { dataDir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^#\s+NAME\s+STATUS\s+SIZE\s+24H\s+7D\s+FULL/);
    expect(lines[1]).toMatch(/^1\s+evil\\x1b\[31m\\x0aname\s+down\s+—/);
    expect(lines[2]).toMatch(/^2\s+calm\s+up\s+1\.0 GiB\s+\+1\.0 MiB\s+— /);
    expect(lines[0]).toContain('SAMPLED (UTC)');
    expect(lines[2]).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d \(last failed\)/);
    expect(run.stdout).not.toContain('\u001b');
  });

  it('prints the overview as one JSON document with --json', async () => {
    const run = await spawnCli(['fleet', '--json'], { dataDir });
    expect(run.code).toBe(0);
    const overview = JSON.parse(run.stdout) as FleetOverview;
    expect(overview.rows.map((r) => [r.name, r.riskRank, r.status])).toEqual([
      [hostile, 1, 'down'],
      ['calm', 2, 'up'],
    ]);
  });

  it('exits 2 on a wrong command line', async () => {
    const run = await spawnCli(['fleet', 'extra'], { dataDir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/fleet takes no arguments/);
  });
});

describe('tidemark profiles add/edit --tag --disk', () => {
  it('stores tags and a disk size with units, changes and clears them, and names a bad one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidemark-cli-tags-'));
    const add = await spawnCli(
      [
        'profiles',
        'add',
        '--url',
        'postgresql://dba@db1:5432/app',
        '--name',
        'db1',
        '--tag',
        'prod',
        '--tag',
        'team-a',
        '--disk',
        '500GiB',
        '--json',
      ],
      { dataDir: dir },
    );
    expect(add.code).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({ tags: ['prod', 'team-a'], diskBytes: 500 * GiB });

    const edit = await spawnCli(['profiles', 'edit', 'db1', '--tag', 'staging', '--disk', '1.5 TiB'], {
      dataDir: dir,
    });
    expect(edit.code).toBe(0);
    expect(edit.stdout).toBe('Updated profile "db1": tags staging, disk 1.5 TiB.\n');

    const clear = await spawnCli(['profiles', 'edit', 'db1', '--tag', '', '--disk', 'none', '--json'], {
      dataDir: dir,
    });
    expect(JSON.parse(clear.stdout)).toMatchObject({ tags: [], diskBytes: null, user: 'dba', host: 'db1' });

    const bad = await spawnCli(['profiles', 'edit', 'db1', '--disk', 'lots', '--tag', 'two words'], {
      dataDir: dir,
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--disk: The disk size must be a number of bytes/);
    expect(bad.stderr).toMatch(/^A tag is letters, digits and _ \. : \/ \+ - \(no spaces\)\./);

    const missing = await spawnCli(['profiles', 'edit', 'nope', '--tag', 'x'], { dataDir: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No profile named "nope"/);
  });
});
