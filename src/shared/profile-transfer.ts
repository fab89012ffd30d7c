import { z } from 'zod';
import { formatBytes } from './bytes';
import { HIDDEN_CHARACTERS } from './plain-text';
import { profileInputSchema } from './profile';

/**
 * Profiles in and out: the file `profiles export` writes and `profiles import`
 * reads on another workstation. It never holds a secret (no password, no
 * passphrase, no key contents); key file paths and SSH aliases are settings.
 */
export const PROFILES_FILE_FORMAT = 'tidemark-profiles';
export const PROFILES_FILE_VERSION = 1;
/** An import file larger than this is refused before it is parsed (500 profiles take about 200 KiB). */
export const PROFILES_FILE_MAX_BYTES = 256 * 1024;
/** The refusal of a file over that size; `what` names it (its name, its path, "The file"). */
export const profilesFileTooLarge = (what: string) =>
  `${what} is larger than ${formatBytes(PROFILES_FILE_MAX_BYTES)}: not a profiles file.`;
export const PROFILES_FILE_MAX_ENTRIES = 1000;

const HIDDEN = new RegExp(`[${HIDDEN_CHARACTERS}]`);

/**
 * One profile in the file: the form's fields without the secrets. Strict: a field
 * this version does not know (a `password`, a typo) refuses the entry, never
 * slips through. A name must be printable text: it ends up in terminals and logs,
 * and an invisible character would let it pass for a profile already here.
 */
const transferredFields = profileInputSchema.omit({ password: true, sshSecret: true });

export const exportedProfileSchema = transferredFields
  .extend({
    name: profileInputSchema.shape.name.refine(
      (name) => !HIDDEN.test(name),
      'A profile name cannot hold control characters, line breaks, text-direction controls or invisible characters.',
    ),
  })
  .strict();
export type ExportedProfile = z.output<typeof exportedProfileSchema>;

/** The file as written (a stored name is written as it is; import then says what it refuses). */
export const profilesFileSchema = z.object({
  format: z.literal(PROFILES_FILE_FORMAT),
  version: z.literal(PROFILES_FILE_VERSION),
  exportedAt: z.string(),
  profiles: z.array(transferredFields.strict()),
});
export type ProfilesFile = z.output<typeof profilesFileSchema>;

/** The envelope of a file being read: each entry is then checked on its own. */
export const profilesFileEnvelopeSchema = z
  .object({
    format: z.literal(PROFILES_FILE_FORMAT, {
      error: `This is not a Tidemark profiles file (its "format" is not "${PROFILES_FILE_FORMAT}").`,
    }),
    version: z.number({ error: 'The file has no format version.' }),
    exportedAt: z.string().max(64).optional(),
    profiles: z
      .array(z.unknown(), { error: 'The file has no "profiles" list.' })
      .max(PROFILES_FILE_MAX_ENTRIES, `A file holds at most ${PROFILES_FILE_MAX_ENTRIES} profiles.`),
  })
  .strict();

export const importOutcomes = ['added', 'skipped', 'refused'] as const;

/** What became of one entry of the file (with a dry run: what would). */
export const profileFileImportEntrySchema = z.object({
  /** 1-based position in the file's list. */
  entry: z.number(),
  /** The name the entry gives, when it gives a readable one. */
  name: z.string().optional(),
  outcome: z.enum(importOutcomes),
  /** Why it was skipped or refused. */
  reason: z.string().optional(),
  /** What the DBA must still do (type a password that was stored on the other workstation…). */
  notes: z.array(z.string()),
  /** The profile made (not with a dry run). */
  profileId: z.string().optional(),
});
export type ProfileFileImportEntry = z.infer<typeof profileFileImportEntrySchema>;

export const profileFileImportSchema = z.object({
  dryRun: z.boolean(),
  entries: z.array(profileFileImportEntrySchema),
});
export type ProfileFileImport = z.infer<typeof profileFileImportSchema>;
