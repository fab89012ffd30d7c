import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger';
import { DemoServer } from './demo-server';

async function count(connection: pg.ClientConfig): Promise<number> {
  const client = new pg.Client(connection);
  await client.connect();
  try {
    const r = await client.query<{ n: string }>('SELECT count(*) AS n FROM transactions');
    return Number(r.rows[0]!.n);
  } finally {
    await client.end();
  }
}

describe('demo server', () => {
  it('starts a real PostgreSQL with a transactions table that keeps growing, and keeps its data across restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-demo-'));
    const demo = new DemoServer(dataDir, createLogger(null));
    try {
      const connection = await demo.start();
      expect(demo.running).toBe(true);
      const first = await count(connection);
      expect(first).toBeGreaterThanOrEqual(50_000);
      await expect.poll(() => count(connection), { timeout: 20_000, interval: 1_000 }).toBeGreaterThan(first);

      demo.rememberProfile('profile-1');
      await demo.stop();
      expect(demo.running).toBe(false);

      const again = await demo.start();
      expect(demo.profileId).toBe('profile-1');
      expect(await count(again)).toBeGreaterThan(first);
    } finally {
      await demo.stop();
    }
  });
});
