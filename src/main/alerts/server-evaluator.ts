import type { AlertRules } from '../../shared/alerts';
import type { AlertDraft } from './alert-repository';
import { serverDownMessage } from './messages';

/** The stored heartbeat state of a profile (heartbeat_current), as the history reads it. */
export interface HeartbeatState {
  state: 'unknown' | 'up' | 'down';
  /** When the current state began. */
  since: string | null;
  lastCheckAt: string | null;
  message: string | null;
}

export type ServerDecision =
  | { action: 'raise'; draft: AlertDraft }
  | { action: 'recover' }
  | { action: 'none' };

/**
 * server_down from the STORED heartbeat state, never from one event: the
 * heartbeats must have been failing for serverDownMinutes (from the first
 * failed beat to the last one), so a single failed "Test connection" or a
 * state left over from before the app was closed raises nothing. A beat that
 * succeeds again recovers the alert by itself.
 */
export function evaluateServer(
  beat: HeartbeatState,
  rules: AlertRules,
  hasActive: boolean,
  subject: { server: string; profileName: string },
): ServerDecision {
  if (beat.state === 'up') return hasActive ? { action: 'recover' } : { action: 'none' };
  if (beat.state !== 'down' || hasActive || !rules.serverDownEnabled) return { action: 'none' };
  if (!beat.since || !beat.lastCheckAt) return { action: 'none' };
  const since = new Date(beat.since);
  const downForMs = new Date(beat.lastCheckAt).getTime() - since.getTime();
  if (downForMs < rules.serverDownMinutes * 60_000) return { action: 'none' };
  return {
    action: 'raise',
    draft: {
      kind: 'server_down',
      severity: 'critical',
      subject: { type: 'server', name: subject.server, relationId: null },
      message: serverDownMessage(subject.server, subject.profileName, {
        since,
        downForMs,
        minutes: rules.serverDownMinutes,
        lastError: beat.message,
      }),
      currentBytes: null,
      previousBytes: null,
      growthPct: null,
    },
  };
}
