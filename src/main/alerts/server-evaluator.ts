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
  | { action: 'holds'; draft: AlertDraft }
  | { action: 'clear'; resolution: 'recovered' | 'cleared' }
  | { action: 'none' };

/**
 * server_down from the STORED heartbeat state, never from one event: the
 * heartbeats must have been failing for serverDownMinutes (from the first
 * failed beat to the last one), so a single failed "Test connection" or a
 * state left over from before the app was closed raises nothing. While it
 * holds, every beat refreshes the alert's figures; a beat that succeeds again
 * recovers it, and switching the rule off clears it.
 */
export function evaluateServer(
  beat: HeartbeatState,
  rules: AlertRules,
  subject: { server: string; profileName: string },
): ServerDecision {
  if (beat.state === 'up') return { action: 'clear', resolution: 'recovered' };
  if (beat.state !== 'down') return { action: 'none' };
  if (!rules.serverDownEnabled) return { action: 'clear', resolution: 'cleared' };
  if (!beat.since || !beat.lastCheckAt) return { action: 'none' };
  const since = new Date(beat.since);
  const downForMs = new Date(beat.lastCheckAt).getTime() - since.getTime();
  if (downForMs < rules.serverDownMinutes * 60_000) return { action: 'none' };
  return {
    action: 'holds',
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
