import { z } from 'zod';
import {
  connectionTestResultSchema,
  profileCandidateSchema,
  profileDraftSchema,
  profileInputSchema,
  profileSchema,
  profileStatusSchema,
  tunnelStatusSchema,
} from '../profile';
import { PROFILES_FILE_MAX_BYTES, profileFileImportSchema, profilesFileSchema } from '../profile-transfer';
import { type ChannelSpec, empty } from './common';

/** One pg_service.conf / .pgpass entry: the profile made from it, or why none was. */
const profileImportResultSchema = z.object({
  label: z.string(),
  profile: profileSchema.optional(),
  error: z.string().optional(),
});
export type ProfileImportResult = z.infer<typeof profileImportResultSchema>;

const id = z.object({ id: z.string().min(1, 'A profile id is required.') });

/** For a profile with an SSH tunnel: its passphrase, and a host key the DBA trusts on first use. */
const tunnelAnswers = {
  sshSecret: z.string().max(1024).optional(),
  acceptHostKey: z
    .string()
    .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'A host key fingerprint looks like SHA256: and 43 characters.')
    .optional(),
};

export const profileChannels = {
  'profiles:list': { request: empty, response: z.array(profileSchema) },
  'profiles:get': { request: id, response: profileSchema },
  /** secretsFrom: a profile (the one copied) whose stored password and SSH secret the new one keeps, same server only. */
  'profiles:create': {
    request: profileInputSchema.extend({ secretsFrom: z.string().optional() }),
    response: profileSchema,
  },
  'profiles:update': { request: id.extend({ input: profileInputSchema }), response: profileSchema },
  'profiles:duplicate': {
    request: id.extend({ name: z.string().trim().min(1).max(100).optional() }),
    response: profileSchema,
  },
  /** keepHistory: archive instead (not watched, no secrets, history kept and readable); else purge it. */
  'profiles:delete': {
    request: id.extend({ keepHistory: z.boolean().default(false) }),
    response: z.object({ id: z.string(), archived: z.boolean() }),
  },
  /** Profiles deleted with their history kept, by name. */
  'profiles:listArchived': { request: empty, response: z.array(profileSchema) },
  /** An archived profile watched again (its password, if it had one stored, is asked for). */
  'profiles:restore': { request: id, response: profileSchema },
  /** Turns a pasted libpq URI into form fields (never saves). */
  'profiles:parseUri': {
    request: z.object({ uri: z.string().trim().min(1, 'Paste a postgresql:// URI.') }),
    response: profileDraftSchema,
  },
  /**
   * Profiles found in pg_service.conf and .pgpass, to be picked and saved. The files
   * are found as libpq finds them (PGSERVICEFILE, PGPASSFILE, home); the renderer
   * cannot point main at other files.
   */
  'profiles:discover': {
    request: empty,
    response: z.object({ candidates: z.array(profileCandidateSchema), searched: z.array(z.string()) }),
  },
  /**
   * Saves candidates found by `profiles:discover`. Main reads the files again, so a
   * password from pg_service.conf is stored without ever passing through the renderer.
   */
  'profiles:import': {
    request: z.object({
      labels: z.array(z.string()).min(1, 'Pick at least one profile to import.'),
    }),
    response: z.object({ results: z.array(profileImportResultSchema) }),
  },
  /** Tests a saved profile, or a draft from the form before it is saved. */
  'profiles:test': {
    request: z.union([
      id.extend({ password: z.string().optional(), ...tunnelAnswers }),
      z.object({ draft: profileInputSchema, draftOf: z.string().optional(), ...tunnelAnswers }),
    ]),
    response: connectionTestResultSchema,
  },
  /** For passwordMode 'ask': remembered in memory for this app session only. */
  'profiles:unlock': {
    request: id.extend({ password: z.string().min(1, 'Enter the password.') }),
    response: z.object({ id: z.string() }),
  },
  /** For sshSecretMode 'ask': the key passphrase (or SSH password), in memory for this app session only. */
  'profiles:unlockSsh': {
    request: id.extend({ secret: z.string().min(1, 'Enter the passphrase.').max(1024) }),
    response: z.object({ id: z.string() }),
  },
  /** Every profile's settings as an export file: never a password, passphrase or key. */
  'profiles:export': { request: empty, response: profilesFileSchema },
  /**
   * Adds the profiles of an export file (its text, read by the CLI or picked in the UI) that are not
   * stored yet; per entry added, skipped or refused with why. `dryRun` checks and saves nothing.
   */
  'profiles:importFile': {
    request: z.object({
      // Bounded here too: the file's own limit is checked in bytes by main, with a clearer message.
      text: z.string().max(PROFILES_FILE_MAX_BYTES * 4, 'The file is too large to be a profiles file.'),
      dryRun: z.boolean().default(false),
    }),
    response: profileFileImportSchema,
  },
  /** The profile's SSH tunnel as it is now (null: no tunnel, or none opened yet). */
  'profiles:getTunnel': { request: id, response: tunnelStatusSchema.nullable() },
} as const satisfies Record<string, ChannelSpec>;

export type ProfileChannel = keyof typeof profileChannels;

export const profileEvents = {
  'profiles:changed': z.object({
    reason: z.enum(['created', 'updated', 'deleted', 'archived', 'restored']),
    id: z.string(),
  }),
  'profiles:statusChanged': profileStatusSchema,
} as const;
