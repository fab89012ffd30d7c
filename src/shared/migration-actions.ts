import { z } from 'zod';
import type { MigrationState } from './migration';

/**
 * What can be done to a migration now, decided once here from its journaled
 * state. Main sends the answer with every migration (`allowedActions`); the
 * wizard shows only those buttons and the CLI refuses the rest before asking.
 */

export const migrationActions = [
  'run',
  'pause',
  'resume',
  'cancel',
  'swap',
  'validate',
  'rollback',
  'cleanup',
  'discard',
] as const;
export type MigrationActionName = (typeof migrationActions)[number];
export const allowedActionsSchema = z.array(z.enum(migrationActions));

/** Nothing more can happen to it. */
export const finishedStates: readonly MigrationState[] = ['cancelled', 'rolled_back', 'cleaned_up'];
/** Work is going on in main. */
export const busyStates: readonly MigrationState[] = ['running', 'cancelling', 'rolling_back', 'cleaning_up'];

export type ActionFacts = {
  state: MigrationState;
  /** The new table is in place (swappedAt is set). */
  swapped: boolean;
  /** Work for this migration is going on in this process (its state may lag by a moment). */
  working: boolean;
  /** When failed: the step it failed in ('swap', 'cancel', 'rollback', 'cleanup', a copy step…). */
  failedStep: string | null;
};

/** Steps that end a migration: one that failed (or was cut short) is run again, never resumed. */
export const endingSteps: readonly string[] = ['cancel', 'rollback', 'rollback-drop', 'cleanup'];

export function allowedActions(f: ActionFacts): MigrationActionName[] {
  const { state, swapped } = f;
  const finished = finishedStates.includes(state);
  const idle = !f.working && !busyStates.includes(state);
  const failedInEndingOp = state === 'failed' && f.failedStep !== null && endingSteps.includes(f.failedStep);
  const can: Record<MigrationActionName, boolean> = {
    run: idle && state === 'planned',
    pause: state === 'running',
    resume: idle && (state === 'paused' || state === 'failed') && !failedInEndingOp,
    cancel:
      !swapped && !finished && state !== 'cancelling' && state !== 'rolling_back' && state !== 'cleaning_up',
    swap: idle && !swapped && (state === 'ready_to_swap' || (state === 'failed' && f.failedStep === 'swap')),
    validate: idle && swapped && !finished,
    rollback: idle && !finished && state !== 'planned',
    cleanup: idle && swapped && (state === 'swapped' || state === 'failed'),
    discard: idle && (state === 'planned' || finished),
  };
  return migrationActions.filter((a) => can[a]);
}

const verbs: Record<MigrationActionName, string> = {
  run: 'started',
  pause: 'paused',
  resume: 'resumed',
  cancel: 'cancelled',
  swap: 'swapped',
  validate: 'validated',
  rollback: 'rolled back',
  cleanup: 'cleaned up',
  discard: 'discarded',
};

/** Why `action` is refused, from what main allowed: null when it is allowed. */
export function refusal(
  m: { id: string; state: MigrationState; allowedActions: readonly MigrationActionName[] },
  action: MigrationActionName,
): string | null {
  if (m.allowedActions.includes(action)) return null;
  const now =
    m.allowedActions.length > 0
      ? `Possible now: ${m.allowedActions.join(', ')}.`
      : 'Nothing can be done to it now.';
  return `Migration ${m.id} is ${m.state.replace(/_/g, ' ')}: it cannot be ${verbs[action]} now. ${now}`;
}
