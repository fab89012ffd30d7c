import { describe, expect, it } from 'vitest';
import type { Channel, RequestOf } from '../../shared/contract';
import type { MigrationSettings, PreflightReport } from '../../shared/migration';
import type { Result } from '../../shared/result';
import { formFromSettings } from '../lib/migration';
import type { ProfileCall } from './migration-call';
import { createMigrationRunStore } from './migration-run';
import { choiceKey, createMigrationWizardStore } from './migration-wizard';
import { createNavigationStore } from './navigation';

/** Step 2 checks the DBA's decisions again by itself once the typing settles, and shows only the newest answer. */

const settings: MigrationSettings = {
  interval: '1 day',
  compressAfter: null,
  segmentBy: [],
  orderBy: [],
  retention: null,
  partitionsAhead: 7,
  keepOldDays: 7,
  batchRows: 50_000,
  batchSeconds: 1,
  syncMode: 'capture',
  acceptCompositeKey: false,
  dropUnsupportedForeignKeys: false,
  confirmedFreeBytes: null,
  swap: { lockTimeoutMs: 2_000, attempts: 10, backoffMs: 1_000, mode: 'confirm' },
};

const reportWith = (blocked: boolean, checkedAt: string) =>
  ({
    blocked,
    checkedAt,
    settings,
    items: [],
    server: { versionNum: 180001, version: '18.1', user: 'u', isSuperuser: true, timescaledb: {} },
  }) as unknown as PreflightReport;

const DELAY = 40;
const settle = () => new Promise((r) => setTimeout(r, DELAY * 3));

function setup() {
  const calls: Array<{ channel: Channel; request: unknown; answer: (r: Result<unknown>) => void }> = [];
  const call = (<C extends Channel>(_profileId: string, channel: C, request: RequestOf<C>) =>
    new Promise((resolve) => {
      calls.push({ channel, request, answer: resolve as (r: Result<unknown>) => void });
    })) as ProfileCall;
  const navigation = createNavigationStore({
    location: { hash: '' },
    addEventListener: () => {},
  } as unknown as Window);
  const run = createMigrationRunStore({ client: {} as never, call, navigation, listChanged: () => {} });
  const wizard = createMigrationWizardStore({
    call,
    navigation,
    run: () => run,
    listChanged: () => {},
    recheckDelayMs: DELAY,
  });
  const chosen = { schema: 'public', table: 'transactions' };
  wizard.setState({
    profileId: 'p',
    step: 'preflight',
    chosen,
    timeColumn: 'executed_at',
    target: 'partitions',
    report: { data: reportWith(true, 'first'), error: null, loading: false },
    reportKey: choiceKey(chosen, 'executed_at', 'partitions'),
    form: formFromSettings(settings, null),
  });
  const preflights = () => calls.filter((c) => c.channel === 'migration:preflight');
  return { wizard, preflights };
}

describe('the wizard store, step 2', () => {
  it('checks the decisions again by itself, once, after the typing settles', async () => {
    const { wizard, preflights } = setup();
    const s = wizard.getState();
    s.editForm({ acceptCompositeKey: true });
    s.editForm({ freeSpace: '2' });
    s.editForm({ freeSpace: '20' });
    expect(wizard.getState().reportStale).toBe(true);
    expect(preflights()).toHaveLength(0);
    await settle();
    expect(preflights()).toHaveLength(1);
    expect((preflights()[0]!.request as { settings: MigrationSettings }).settings).toMatchObject({
      acceptCompositeKey: true,
      confirmedFreeBytes: 20 * 1024 ** 3,
    });
    preflights()[0]!.answer({ ok: true, value: reportWith(false, 'second') });
    await settle();
    expect(wizard.getState().reportStale).toBe(false);
    expect(wizard.getState().report.data?.blocked).toBe(false);
  });

  it('shows the newest answer when an older check answers last', async () => {
    const { wizard, preflights } = setup();
    wizard.getState().editForm({ acceptCompositeKey: true });
    await settle();
    wizard.getState().editForm({ freeSpace: '20' });
    await settle();
    expect(preflights()).toHaveLength(2);
    preflights()[1]!.answer({ ok: true, value: reportWith(false, 'newest') });
    await settle();
    preflights()[0]!.answer({ ok: true, value: reportWith(true, 'older') });
    await settle();
    expect(wizard.getState().report.data?.checkedAt).toBe('newest');
    expect(wizard.getState().reportStale).toBe(false);
  });

  it('does not check by itself on step 3 (the plan checks when it is made)', async () => {
    const { wizard, preflights } = setup();
    wizard.setState({ step: 'settings' });
    wizard.getState().editForm({ retain: true });
    await settle();
    expect(preflights()).toHaveLength(0);
    expect(wizard.getState().reportStale).toBe(true);
  });
});
