import { describe, expect, it } from 'vitest';
import type { Alert } from '../../shared/alerts';
import { notificationText } from './notifications';

/** Browser mode's desktop notification: a relation name from the server stays on its line, nothing hidden. */

const hostile = 'public.events\nResolved: all clear\u202e\u200b';
const alert: Alert = {
  id: 1,
  profileId: 'p',
  kind: 'relation_size',
  severity: 'warning',
  subject: { type: 'relation', name: hostile, relationId: 1 },
  message: `${hostile} is 2.0 MiB, above its limit of 1.0 MiB.`,
  currentBytes: 2 * 1024 ** 2,
  previousBytes: null,
  growthPct: null,
  raisedAt: '2026-10-05T03:00:00Z',
  lastSeenAt: '2026-10-05T03:00:00Z',
  acknowledged: null,
  resolvedAt: null,
  resolution: null,
};

describe('notificationText', () => {
  it('writes a hostile name on one line, its bidi and invisible characters escaped', () => {
    for (const alerts of [[alert], [alert, { ...alert, id: 2 }]]) {
      const { title, body } = notificationText(alerts, 'ledger\u202e');
      expect(title).not.toMatch(/[\n\u202e\u200b]/);
      const lines = body.split('\n');
      expect(lines).toHaveLength(2);
      for (const line of lines) expect(line).not.toMatch(/[\u202e\u200b]/);
      expect(body).toContain('public.events Resolved: all clear\\u202e\\u200b');
    }
  });
});
