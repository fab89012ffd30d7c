import { migration001Profiles } from './001_profiles';
import type { Migration } from './migration';

/** In order; a new migration is a new file appended here, never an edit of an old one. */
export const migrations: readonly Migration[] = [migration001Profiles];

export const latestSchemaVersion = migrations.at(-1)?.version ?? 0;
