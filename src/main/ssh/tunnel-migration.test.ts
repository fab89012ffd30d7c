import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import {
  createTransactions,
  difference,
  PROFILE,
  removeDir,
  why,
} from '../../../test/support/migration-engine';
import { makeKey, type Sshd, startSshd } from '../../../test/support/sshd';
import type { EventMessage } from '../../shared/contract';
import { EventBus } from '../events';
import { openStore } from '../local-db/database';
import { createLogger } from '../logger';
import { MigrationService } from '../migration/service';
import { PoolManager } from '../postgres/pool-manager';
import { TunnelManager } from './tunnels';

/**
 * A migration whose sessions go through an SSH tunnel survives the tunnel
 * being cut mid-copy the way it survives a dropped connection: the tunnel is
 * opened again and the copy resumes from the journal's high-water mark.
 */

let db: TestDatabase;
let admin: pg.Client;
let sshd: Sshd;
let home: string;
const ROWS = 20_000;

beforeAll(async () => {
  db = await createTestDatabase('migration over ssh');
  admin = await db.admin();
  home = mkdtempSync(join(tmpdir(), 'tidemark-ssh-mig-'));
  mkdirSync(join(home, '.ssh'), { mode: 0o700 });
  const key = makeKey(join(home, '.ssh'), 'id_ed25519');
  sshd = await startSshd([key.publicKey]);
  writeFileSync(join(home, '.ssh', 'known_hosts'), `[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`);
  writeFileSync(
    join(home, '.ssh', 'config'),
    `Host db-tunnel\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  User root\n  IdentitiesOnly yes\n`,
  );
});

afterAll(async () => {
  await sshd?.stop();
  await db?.cleanup();
  removeDir(home);
});

describe('a migration through an SSH tunnel', () => {
  it('resumes from the journal after the tunnel was cut mid-copy: no row twice, none missed', async () => {
    await createTransactions(admin, 'public.tunnelled', ROWS);
    const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-ssh-mig-data-'));
    const { db: store } = openStore(dataDir);
    const bus = new EventBus();
    const tunnels = new TunnelManager({ home });
    const fields = db.profile({ sshHost: 'db-tunnel', poolSize: 1 });
    const pools = new PoolManager(
      async (id) => ({ fields, password: db.password, via: await tunnels.route(id, fields, undefined) }),
      undefined,
      { purpose: 'admin', env: {}, queryTimeoutMs: 600_000 },
    );
    const service = new MigrationService({ db: store, events: bus, logger: createLogger(null), pools });
    try {
      const m = await service.create({
        profileId: PROFILE,
        schema: 'public',
        table: 'tunnelled',
        timeColumn: 'executed_at',
        target: 'partitions',
        settings: { acceptCompositeKey: true, batchRows: 400, batchSeconds: 0, confirmedFreeBytes: 1e12 },
      });
      let cuts = 0;
      bus.subscribe((message: EventMessage) => {
        if (message.event !== 'migration:progress' || message.payload.step !== 'copy') return;
        if (message.payload.batches === 5 && cuts === 0) cuts = sshd.killSessions();
      });
      service.start(m.id, false);
      const done = await service.whenIdle(m.id);
      expect(cuts).toBeGreaterThan(0);
      expect(done.state, why(done)).toBe('swapped');
      expect(service.journal.events(m.id, 'connection_lost').length).toBeGreaterThanOrEqual(1);
      expect(tunnels.status(PROFILE)).toMatchObject({ state: 'up' });
      expect(tunnels.status(PROFILE)?.reconnects).toBeGreaterThanOrEqual(1);
      const { rows } = await admin.query(
        'SELECT rows_copied::int AS rows, copy_done FROM tidemark_migration.runs WHERE migration_id = $1',
        [m.id],
      );
      expect(rows[0]).toMatchObject({ rows: ROWS, copy_done: true });
      expect(await difference(admin, 'public.tunnelled', m.plan.names.oldTable)).toEqual({
        missing: 0,
        extra: 0,
      });
    } finally {
      await service.close();
      await pools.closeAll();
      await tunnels.closeAll();
      store.close();
      removeDir(dataDir);
    }
  });
});
