import type { Blocker, SwapAttempt } from '../../shared/migration';

/** The swap's tries as the run page shows them: grouped, aged, with what would free the table. */

/** Attempts one after another that met the same sessions the same way, shown as one card. */
export type AttemptGroup<A extends { attempt: SwapAttempt }> = { first: A; last: A; count: number };

function blockerKey(b: Blocker): string {
  return JSON.stringify([b.pid, b.lockMode, b.granted, b.state, b.xactStart, b.query]);
}

/** Groups consecutive attempts with the same outcome and the same blockers (the waits between them differ). */
export function groupAttempts<A extends { attempt: SwapAttempt }>(attempts: A[]): AttemptGroup<A>[] {
  const groups: AttemptGroup<A>[] = [];
  let key: string | null = null;
  for (const a of attempts) {
    const k = JSON.stringify([a.attempt.outcome, a.attempt.blockers.map(blockerKey).sort()]);
    const open = groups[groups.length - 1];
    if (open && k === key && a.attempt.outcome !== 'swapped') {
      open.last = a;
      open.count++;
    } else {
      groups.push({ first: a, last: a, count: 1 });
      key = k;
    }
  }
  return groups;
}

/** How long the blocker's transaction had been open when the attempt met it: "18 s", "4 min". */
export function transactionAge(xactStart: string, at: string): string | null {
  const ms = Date.parse(at) - Date.parse(xactStart);
  if (!Number.isFinite(ms) || ms < 0) return null;
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const min = Math.floor(s / 60);
  return min < 120 ? `${min} min ${s % 60} s` : `${Math.floor(min / 60)} h ${min % 60} min`;
}

/** What the DBA may run to free the table; Tidemark itself never runs them. */
export function blockerStatements(pid: number): { cancel: string; terminate: string } {
  const p = Math.trunc(pid);
  return {
    cancel: `SELECT pg_cancel_backend(${p});`,
    terminate: `SELECT pg_terminate_backend(${p});`,
  };
}
