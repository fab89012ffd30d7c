import type { MigrationTarget } from '../../../shared/migration';
import { partitions } from './partitions';
import type { Target } from './target';
import { timescaledb } from './timescaledb';

export type { Target } from './target';

/** Every target, by the value the wizard sends. Read when called: the target files import the engine's modules. */
function all(): Record<MigrationTarget, Target> {
  return { timescaledb, partitions };
}

export function targetOf(spec: { target: MigrationTarget }): Target {
  return all()[spec.target];
}

export function targetById(id: MigrationTarget): Target {
  return all()[id];
}
