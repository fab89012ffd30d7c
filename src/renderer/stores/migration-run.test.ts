import { describe, expect, it } from 'vitest';
import type { TimescalePolicy } from '../../shared/migration';
import type { Result } from '../../shared/result';
import type { ProfileCall } from './migration-call';
import { createMigrationRunStore } from './migration-run';
import { createNavigationStore } from './navigation';

/** The run page's TimescaleDB policies: asked of main for the migration shown, an answer for one left behind dropped. */

const policy: TimescalePolicy = {
  jobId: 1001,
  procName: 'policy_retention',
  scheduled: true,
  scheduleInterval: '1 day',
  nextStart: '2026-12-03T00:00:00.000Z',
  lastRunStatus: null,
  lastRunStartedAt: null,
  config: '{"drop_after": "1 year"}',
};

function setup() {
  const asked: Array<{ channel: string; request: unknown; answer: (r: Result<unknown>) => void }> = [];
  const client = {
    invoke: (channel: string, request: unknown) =>
      new Promise((resolve) =>
        asked.push({ channel, request, answer: resolve as (r: Result<unknown>) => void }),
      ),
  };
  const navigation = createNavigationStore({
    location: { hash: '' },
    addEventListener: () => {},
  } as unknown as Window);
  const run = createMigrationRunStore({
    client: client as never,
    call: (() => Promise.resolve({ ok: true, value: null })) as unknown as ProfileCall,
    navigation,
    listChanged: () => {},
  });
  return { run, asked };
}

describe('the run store, TimescaleDB policies', () => {
  it('reads the policies of the migration shown', async () => {
    const { run, asked } = setup();
    run.setState({ currentId: 'm1' });
    const loading = run.getState().loadPolicies();
    expect(run.getState().policies.loading).toBe(true);
    expect(asked.map((a) => [a.channel, a.request])).toEqual([['migration:listPolicies', { id: 'm1' }]]);
    asked[0]!.answer({ ok: true, value: [policy] });
    await loading;
    expect(run.getState().policies).toEqual({ data: [policy], error: null, loading: false });
  });

  it('drops the answer for a migration the page has left', async () => {
    const { run, asked } = setup();
    run.setState({ currentId: 'm1' });
    const loading = run.getState().loadPolicies();
    run.setState({ currentId: 'm2', policies: { data: null, error: null, loading: false } });
    asked[0]!.answer({ ok: true, value: [policy] });
    await loading;
    expect(run.getState().policies.data).toBeNull();
  });
});
