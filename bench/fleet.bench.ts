/**
 * Fleet overview benchmark (issue 11): 100 profiles, each with 90 days of
 * database samples in the stored tiers (every 15 minutes for 14 days, hourly
 * to 30 days, daily to 90) with their disk facts (two slots, two databases'
 * ages each), a heartbeat state, and some active alerts. Times
 * `fleet:getOverview` through the router (what the start page waits for: the
 * build in main plus the contract's response parsing) and the JSON bytes sent
 * to the renderer. Prints figures; asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTidemark } from '../src/main/app';
import { openStore } from '../src/main/local-db/database';
import { KeyFileSecretStore } from '../src/main/secrets/key-file-secret-store';
import { median } from './support';

const PROFILES = 100;
const RUNS = 21;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Sample times of one profile, oldest first, in the retention tiers. */
function sampleTimes(now: number, offset: number): number[] {
  const times: number[] = [];
  for (let t = now - 90 * DAY; t < now - 30 * DAY; t += DAY) times.push(t + offset);
  for (let t = now - 30 * DAY; t < now - 14 * DAY; t += HOUR) times.push(t + offset);
  for (let t = now - 14 * DAY; t <= now - 15 * MINUTE; t += 15 * MINUTE) times.push(t + offset);
  return times;
}

export function seed(dataDir: string, now: number): number {
  const { db } = openStore(dataDir);
  let samples = 0;
  try {
    const profile = db.prepare(`
      INSERT INTO profiles (id, name, host, port, database, user_name, sslmode, connect_timeout_sec,
        statement_timeout_ms, pool_size, password_mode, tags, disk_bytes, created_at, updated_at)
      VALUES (?, ?, ?, 5432, 'app', 'dba', 'prefer', 10, 15000, 2, 'pgpass', ?, ?, 't', 't')`);
    const sample = db.prepare(`
      INSERT INTO samples (profile_id, taken_at, duration_ms, database_name, database_bytes, gaps, relation_count)
      VALUES (?, ?, 100, 'app', ?, '[]', 0)`);
    const database = db.prepare('INSERT INTO sample_databases (sample_id, name, bytes) VALUES (?, ?, ?)');
    // Disk facts with every sample, as the app stores them: two slots and two databases' ages each.
    const facts = db.prepare(`
      INSERT INTO disk_fact_samples (sample_id, profile_id, taken_at, in_recovery, wal_bytes, wal_files,
        freeze_max_age, mxid_freeze_max_age, stats_reset, findings)
      VALUES (?, ?, ?, 0, 1073741824, 64, 200000000, 400000000, NULL, ?)`);
    const findings = JSON.stringify({ oldestTables: [], bloat: [], indexes: [], tablespaces: [], gaps: [] });
    const slot = db.prepare(`
      INSERT INTO disk_fact_slots (sample_id, name, kind, database, active, wal_status, retained_bytes, inactive_since)
      VALUES (?, ?, 'physical', NULL, ?, 'reserved', ?, NULL)`);
    const ages = db.prepare(`
      INSERT INTO disk_fact_databases (sample_id, name, xid_age, mxid_age, temp_bytes, temp_files, stats_reset)
      VALUES (?, ?, ?, 1000, 0, 0, NULL)`);
    const beat = db.prepare(`
      INSERT INTO heartbeat_current (profile_id, state, since, last_check_at, latency_ms, message)
      VALUES (?, ?, ?, ?, 3, NULL)`);
    const alert = db.prepare(`
      INSERT INTO alerts (profile_id, kind, severity, subject_type, subject_name, subject_key, message,
        raised_at, last_seen_at)
      VALUES (?, ?, ?, 'database', 'app', 'database:app', 'A message.', ?, ?)`);
    db.transaction(() => {
      for (let p = 0; p < PROFILES; p++) {
        const id = `p${p}`;
        const tags = JSON.stringify([p % 3 === 0 ? 'prod' : 'staging', `team-${p % 7}`]);
        profile.run(
          id,
          `server-${String(p).padStart(3, '0')}`,
          `db${p}.example`,
          tags,
          p % 2 ? 2 * 1024 ** 4 : null,
        );
        const start = (5 + (p % 40)) * 1024 ** 3;
        const perDay = (p % 10) * 200 * 1024 ** 2;
        for (const t of sampleTimes(now, p * 1000)) {
          const bytes = Math.round(start + ((t - (now - 90 * DAY)) / DAY) * perDay);
          const sampleId = Number(sample.run(id, t, bytes).lastInsertRowid);
          database.run(sampleId, 'app', bytes);
          database.run(sampleId, 'postgres', 8 * 1024 ** 2);
          facts.run(sampleId, id, t, findings);
          slot.run(sampleId, 'standby', 1, 16 * 1024 ** 2);
          slot.run(sampleId, 'old', p % 5 === 0 ? 0 : 1, (p % 5) * 1024 ** 3);
          ages.run(sampleId, 'app', 1_000_000 * (1 + (p % 50)));
          ages.run(sampleId, 'postgres', 500_000);
          samples++;
        }
        beat.run(id, p % 25 === 0 ? 'down' : 'up', now - DAY, now - MINUTE);
        if (p % 10 === 0) alert.run(id, 'size_critical', 'critical', now - HOUR, now - MINUTE);
        if (p % 4 === 0) alert.run(id, 'growth_warning', 'warning', now - HOUR, now - MINUTE);
      }
    })();
  } finally {
    db.close();
  }
  return samples;
}

export async function run(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-bench-fleet-'));
  const now = Date.UTC(2026, 5, 1, 12, 0, 0);
  try {
    const samples = seed(dataDir, now);
    const app = await createTidemark({
      dataDir,
      mode: 'cli',
      secretStore: new KeyFileSecretStore(dataDir),
      now: () => new Date(now),
    });
    try {
      console.log(
        `\nFleet overview: ${PROFILES} profiles, ${samples.toLocaleString('en')} database samples with disk facts ` +
          '(15-min for 14 days, hourly to 30, daily to 90)',
      );
      const runs: number[] = [];
      let bytes = 0;
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now();
        const result = await app.router.dispatch('fleet:getOverview', {});
        runs.push(performance.now() - started);
        if (!result.ok) throw new Error(result.error.message);
        bytes = Buffer.byteLength(JSON.stringify(result));
      }
      console.log(
        `  fleet:overview (build in main + response check)  median ${median(runs).toFixed(1)} ms  ` +
          `first ${runs[0]!.toFixed(1)} ms  ${(bytes / 1024).toFixed(1)} KiB to the renderer ` +
          `(${Math.round(bytes / PROFILES)} B a server)`,
      );
      const facts: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now();
        app.monitoring.history.latestDiskFactsSummaries();
        facts.push(performance.now() - started);
      }
      console.log(
        `  of which every server's latest disk facts (one query): median ${median(facts).toFixed(1)} ms`,
      );
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
