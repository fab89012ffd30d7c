import { describe, expect, it } from 'vitest';
import type { MigrationState } from './migration';
import { type ActionFacts, allowedActions, type MigrationActionName, refusal } from './migration-actions';

const facts = (state: MigrationState, more: Partial<ActionFacts> = {}): ActionFacts => ({
  state,
  swapped: false,
  working: false,
  failedStep: null,
  ...more,
});

/** Every state the journal can hold (and the facts that change the answer) → the actions possible. */
const table: Array<[string, ActionFacts, MigrationActionName[]]> = [
  ['planned', facts('planned'), ['run', 'cancel', 'discard']],
  ['running the copy', facts('running', { working: true }), ['pause', 'cancel']],
  ['paused', facts('paused'), ['resume', 'cancel', 'rollback']],
  ['ready to swap', facts('ready_to_swap'), ['cancel', 'swap', 'rollback']],
  ['failed in the copy', facts('failed', { failedStep: 'copy' }), ['resume', 'cancel', 'rollback']],
  ['failed at the swap', facts('failed', { failedStep: 'swap' }), ['resume', 'cancel', 'swap', 'rollback']],
  [
    'failed after the swap (validation step)',
    facts('failed', { swapped: true, failedStep: 'validate' }),
    ['resume', 'validate', 'rollback', 'cleanup'],
  ],
  ['failed while cancelling', facts('failed', { failedStep: 'cancel' }), ['cancel', 'rollback']],
  [
    'failed while rolling back',
    facts('failed', { swapped: true, failedStep: 'rollback' }),
    ['validate', 'rollback', 'cleanup'],
  ],
  [
    'failed while cleaning up',
    facts('failed', { swapped: true, failedStep: 'cleanup' }),
    ['validate', 'rollback', 'cleanup'],
  ],
  ['swapped', facts('swapped', { swapped: true }), ['validate', 'rollback', 'cleanup']],
  ['swapped, but validation running in main', facts('swapped', { swapped: true, working: true }), []],
  ['cancelling', facts('cancelling', { working: true }), []],
  ['rolling back', facts('rolling_back', { swapped: true, working: true }), []],
  ['cleaning up', facts('cleaning_up', { swapped: true, working: true }), []],
  ['cancelled', facts('cancelled'), ['discard']],
  ['rolled back', facts('rolled_back', { swapped: true }), ['discard']],
  ['cleaned up', facts('cleaned_up', { swapped: true }), ['discard']],
];

describe('allowedActions', () => {
  it.each(table)('%s', (_name, f, expected) => {
    expect(allowedActions(f)).toEqual(expected);
  });

  it('covers every state of the journal', () => {
    const states = new Set(table.map(([, f]) => f.state));
    expect([...states].sort()).toEqual(
      [
        'planned',
        'running',
        'paused',
        'ready_to_swap',
        'swapped',
        'failed',
        'cancelling',
        'cancelled',
        'rolling_back',
        'rolled_back',
        'cleaning_up',
        'cleaned_up',
      ].sort(),
    );
  });
});

describe('refusal', () => {
  it('is null for an allowed action and names the state and what is possible otherwise', () => {
    const m = { id: 'abc123', state: 'planned' as const, allowedActions: allowedActions(facts('planned')) };
    expect(refusal(m, 'run')).toBeNull();
    expect(refusal(m, 'swap')).toBe(
      'Migration abc123 is planned: it cannot be swapped now. Possible now: run, cancel, discard.',
    );
    expect(refusal({ ...m, state: 'cancelling', allowedActions: [] }, 'cancel')).toMatch(
      /is cancelling: it cannot be cancelled now\. Nothing can be done to it now\.$/,
    );
  });
});
