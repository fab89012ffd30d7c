import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliIn } from '../../../test/support/cli';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import type { Alert } from '../../shared/alerts';
import { parseSize } from '../../shared/bytes';

let db: TestDatabase;
let dataDir: string;

beforeAll(async () => {
  db = await createTestDatabase('alert cli');
  dataDir = mkdtempSync(join(tmpdir(), 'tidemark-cli-alerts-'));
  const { host, port, database, user } = db.fields;
  const url = `postgresql://${user}:${encodeURIComponent(db.password)}@${host}:${port}/${database}?sslmode=disable`;
  for (const name of ['alpha', 'beta']) {
    expect((await cli('profiles', 'add', '--url', url, '--name', name)).code).toBe(0);
  }
});
afterAll(async () => {
  await db?.cleanup();
});

const cli = (...args: string[]) => cliIn(dataDir, ...args);

describe('tidemark rules', () => {
  it('shows a profile’s rules with their defaults, naming absolute-size and growth rules', async () => {
    const shown = await cli('rules', 'alpha');
    expect(shown.code).toBe(0);
    expect(shown.out).toContain('Alert rules of "alpha" (the defaults):');
    expect(shown.out).toMatch(/^RULE\s+VALUE\s+DEFAULT\s+TYPE$/m);
    expect(shown.out).toMatch(
      /^sizeCriticalBytes\s+50\.0 GiB \(53687091200\)\s+50\.0 GiB \(53687091200\)\s+absolute-size rule$/m,
    );
    expect(shown.out).toMatch(/^growthWarningPct\s+20 %\s+20 %\s+growth rule \(database\)/m);
    expect(shown.out).toMatch(
      /^growthFloorBytes\s+1\.0 GiB \(1073741824\)\s+1\.0 GiB \(1073741824\)\s+growth rules: size floor$/m,
    );
  });

  it('refuses invalid values with the field named, and changes nothing', async () => {
    const floor = await cli('rules', 'alpha,beta', '--set', 'sizeCriticalBytes=1MiB');
    expect(floor.code).toBe(1);
    expect(floor.err).toMatch(/^growthFloorBytes: The size floor must be below the critical size/m);
    expect(floor.err).toContain('Nothing was changed.');

    expect((await cli('rules', 'alpha', '--set', 'growthWarningPct=lots')).err).toMatch(
      /^growthWarningPct: Growth warning must be a number \(percent\)\./m,
    );
    expect((await cli('rules', 'alpha', '--set', 'growthFloorBytes=-1GiB')).err).toMatch(
      /^growthFloorBytes: The size floor cannot be negative\./m,
    );
    expect((await cli('rules', 'alpha', '--set', 'serverDownEnabled=maybe')).err).toBe(
      'serverDownEnabled: use on or off (not "maybe").',
    );
    expect((await cli('rules', 'alpha', '--set', 'diskFull=1')).err).toMatch(/there is no such rule/);
    expect((await cli('rules', 'alpha,nobody', '--set', 'growthWarningPct=30')).err).toMatch(
      /No profile named "nobody"/,
    );
    for (const name of ['alpha', 'beta']) {
      expect((await cli('rules', name)).out).toContain('(the defaults)');
    }
  });

  it('sets the same rules for two profiles at once, with sizes and on/off', async () => {
    const set = await cli(
      'rules',
      'alpha,beta',
      '--set',
      'growthFloorBytes=512kB',
      '--set',
      'sizeCriticalBytes=1MiB',
      '--set',
      'forecastEnabled=off',
      '--set',
      'growthWarningPct=35%',
    );
    expect(set.err).toBe('');
    expect(set.code).toBe(0);
    expect(set.out).toContain('Alert rules of "alpha", "beta" set; they apply from the next sample.');
    for (const name of ['alpha', 'beta']) {
      const shown = (await cli('rules', name)).out;
      expect(shown).not.toContain('(the defaults)');
      expect(shown).toMatch(/^sizeCriticalBytes\s+1\.0 MiB \(1048576\)\s+50\.0 GiB/m);
      expect(shown).toMatch(/^growthFloorBytes\s+512 KiB \(524288\)/m);
      expect(shown).toMatch(/^forecastEnabled\s+off\s+on/m);
      expect(shown).toMatch(/^growthWarningPct\s+35 %\s+20 %/m);
    }
  });

  it('parses sizes the PostgreSQL way (binary units) and leaves the rest to the schema', () => {
    expect(parseSize('1GiB')).toBe(1024 ** 3);
    expect(parseSize('500MB')).toBe(500 * 1024 ** 2);
    expect(parseSize('1.5 GB')).toBe(1.5 * 1024 ** 3);
    expect(parseSize('4096')).toBe(4096);
    expect(parseSize('lots')).toBe('lots');
    expect(parseSize('5 parsecs')).toBe('5 parsecs');
  });
});

describe('tidemark alerts', () => {
  let id: number;

  it('lists the alert a sample raised with its current value and when it was last seen', async () => {
    expect((await cli('alerts', 'alpha')).out).toBe('No active alerts for "alpha".');
    expect((await cli('sample', 'alpha')).code).toBe(0);
    const listed = await cli('alerts', 'alpha');
    expect(listed.code).toBe(0);
    const lines = listed.out.split('\n');
    expect(lines[0]).toMatch(
      /^ID\s+SEVERITY\s+KIND\s+SUBJECT\s+CURRENT\s+RAISED \(UTC\)\s+LAST SEEN \(UTC\)\s+STATE\s+MESSAGE$/,
    );
    expect(lines).toHaveLength(2);
    const stamp = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d';
    const row = lines[1]!;
    expect(row).toMatch(
      new RegExp(
        `^(\\d+)\\s+critical\\s+size_critical\\s+${db.name}\\s+[\\d.]+ MiB\\s+${stamp}\\s+${stamp}\\s+active\\s+` +
          `Database ${db.name} is .+, above the 1\\.0 MiB critical size \\(absolute-size rule\\)\\.$`,
      ),
    );
    id = Number(row.split(/\s+/)[0]);

    // Every profile at once, with the profile named.
    const everyone = await cli('alerts');
    expect(everyone.out.split('\n')[0]).toMatch(/^PROFILE\s+ID\s+SEVERITY/);
    expect(everyone.out).toMatch(new RegExp(`^alpha\\s+${id}\\s+critical`, 'm'));
  });

  it('--json: the next sample updates the same alert’s figures and last seen', async () => {
    const [before] = JSON.parse((await cli('alerts', 'alpha', '--json')).out) as Alert[];
    expect((await cli('sample', 'alpha')).code).toBe(0);
    const [after] = JSON.parse((await cli('alerts', 'alpha', '--json')).out) as Alert[];
    expect(after).toMatchObject({ id, raisedAt: before!.raisedAt, acknowledged: null, resolvedAt: null });
    expect(Date.parse(after!.lastSeenAt)).toBeGreaterThan(Date.parse(before!.lastSeenAt));
    expect(after!.currentBytes).toBeGreaterThan(0);
  });

  it('ack --for snoozes, unack undoes, resolve is the old name of ack; bad ids and snoozes are clear errors', async () => {
    const snoozed = await cli('alerts', 'ack', String(id), '--for', '1h');
    expect(snoozed).toMatchObject({ code: 0, err: '' });
    expect(snoozed.out).toMatch(
      new RegExp(
        `^Acknowledged alert ${id} \\(size_critical, ${db.name}\\): quiet until \\d{4}-.+ UTC, or until it clears\\.$`,
      ),
    );
    expect((await cli('alerts', 'alpha')).out).toMatch(
      new RegExp(`^${id}\\s.*\\ssnoozed until \\d{4}-`, 'm'),
    );

    const undone = await cli('alerts', 'unack', String(id));
    expect(undone.out).toBe(`Alert ${id} (size_critical, ${db.name}) is shown and counted again.`);
    expect((await cli('alerts', 'alpha')).out).toMatch(new RegExp(`^${id}\\s.*\\sactive\\s+Database`, 'm'));

    const acked = await cli('alerts', 'resolve', String(id));
    expect(acked.out).toBe(
      `Acknowledged alert ${id} (size_critical, ${db.name}): quiet until its condition clears.`,
    );
    expect((await cli('alerts', 'alpha')).out).toMatch(
      new RegExp(`^${id}\\s.*\\sacknowledged\\s+Database`, 'm'),
    );

    expect((await cli('alerts', 'ack', String(id), '--for', '2h')).err).toBe(
      '--for 2h: choose 1h, 1d or 1w (or leave it out: quiet until it clears).',
    );
    expect((await cli('alerts', 'ack', '99999')).err).toMatch(/There is no alert 99999/);
    expect((await cli('alerts', 'ack', 'x')).err).toMatch(/needs the alert id/);
  });

  it('--reset takes several profiles back to the defaults', async () => {
    const reset = await cli('rules', 'alpha', 'beta', '--reset');
    expect(reset.code).toBe(0);
    expect(reset.out).toContain('Alert rules of "alpha", "beta" are back to the defaults.');
    for (const name of ['alpha', 'beta']) {
      expect((await cli('rules', name)).out).toContain('(the defaults)');
    }
    expect((await cli('rules', 'alpha', '--reset', '--set', 'growthWarningPct=30')).err).toBe(
      'Use --set or --reset, not both.',
    );
  });
});
