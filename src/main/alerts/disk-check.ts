import type { AlertRules } from '../../shared/alerts';
import { formatBytes } from '../../shared/bytes';
import { type DiskFacts, WRAPAROUND_AGE, wraparoundPct } from '../../shared/disk-facts';
import type { AlertDraft } from './alert-repository';
import { formatPct } from './messages';

const count = (n: number) => n.toLocaleString('en-US');

/**
 * The disk-facts rules against one stored sample: an inactive replication
 * slot retaining more WAL than the threshold (slot_retention, per slot), and
 * a database past a share of transaction-ID or multixact wraparound
 * (wraparound, per database). `knows` is false when the sample has no facts
 * (they could not be read): its alerts then stay as they are.
 */
export function checkDiskFacts(
  facts: DiskFacts | null,
  rules: AlertRules,
): { drafts: AlertDraft[]; knows: boolean } {
  if (!facts) return { drafts: [], knows: false };
  const drafts: AlertDraft[] = [];
  if (rules.slotRetainedEnabled) {
    for (const slot of facts.slots) {
      const retained = slot.retainedBytes;
      if (slot.active || retained === null || retained <= rules.slotRetainedBytes) continue;
      drafts.push({
        kind: 'slot_retention',
        severity: 'warning',
        subject: { type: 'slot', name: slot.name, relationId: null },
        message:
          `Inactive ${slot.kind} replication slot "${slot.name}" retains ${formatBytes(retained)} of WAL, above ` +
          `the ${formatBytes(rules.slotRetainedBytes)} limit (wal_status ${slot.walStatus ?? 'unknown'}). ` +
          'pg_wal cannot be cleaned past it until its consumer reconnects; if it is gone for good, drop the ' +
          `slot: ${slot.fixSql}`,
        currentBytes: retained,
        previousBytes: null,
        growthPct: null,
      });
    }
  }
  if (rules.wraparoundEnabled) {
    for (const db of facts.databases) {
      const byMultixact = db.mxidAge > db.xidAge;
      const age = Math.max(db.xidAge, db.mxidAge);
      const pct = wraparoundPct(age);
      if (pct < rules.wraparoundPct) continue;
      const freezeAt = byMultixact ? facts.multixactFreezeMaxAge : facts.freezeMaxAge;
      drafts.push({
        kind: 'wraparound',
        severity: 'critical',
        subject: { type: 'database', name: db.name, relationId: null },
        message:
          `Database "${db.name}" is at ${formatPct(pct)} % of ${byMultixact ? 'multixact' : 'transaction-ID'} ` +
          `wraparound (age ${count(age)} of ${count(WRAPAROUND_AGE)}), past the ${formatPct(rules.wraparoundPct)} % ` +
          `rule; autovacuum forces a freeze from ${count(freezeAt)}. Find its oldest tables and ` +
          'VACUUM (FREEZE) them, and look for what holds the horizon back (long transactions, prepared ' +
          'transactions, replication slots).',
        currentBytes: null,
        previousBytes: null,
        growthPct: pct,
      });
    }
  }
  return { drafts, knows: true };
}
