import type { z } from 'zod';
import { HIDDEN_CHARACTERS, unicodeEscape } from '../../shared/plain-text';
import type { ProfileFields } from '../../shared/profile';
import {
  exportedProfileSchema,
  PROFILES_FILE_FORMAT,
  PROFILES_FILE_MAX_BYTES,
  PROFILES_FILE_VERSION,
  type ProfileFileImport,
  type ProfileFileImportEntry,
  type ProfilesFile,
  profilesFileEnvelopeSchema,
  profilesFileTooLarge,
} from '../../shared/profile-transfer';
import { AppError, invalidInput } from '../errors';
import type { ProfileService } from './profile-service';

/** Every profile's settings, without a secret: what another workstation needs to reach the same servers. */
export function exportProfiles(profiles: ProfileService, now: Date): ProfilesFile {
  return {
    format: PROFILES_FILE_FORMAT,
    version: PROFILES_FILE_VERSION,
    exportedAt: now.toISOString(),
    profiles: profiles.list().map((profile) => {
      const {
        id: _id,
        hasStoredPassword: _p,
        hasStoredSshSecret: _s,
        createdAt: _c,
        updatedAt: _u,
        ...fields
      } = profile;
      return fields;
    }),
  };
}

const HIDDEN = new RegExp(`[${HIDDEN_CHARACTERS}]`, 'g');

/** A short, single-line rendering of text the file chose (a key, a name) for a reason. */
function quoted(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text).replace(HIDDEN, unicodeEscape);
}

/** Why zod refused an entry, in one sentence per field. */
function refusal(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map(quoted).join(', ')} (a profiles file carries no secrets and no other fields)`;
      }
      const path = issue.path.map(String).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/** The file's text as a list of entries, or why it cannot be read at all. */
function entriesOf(text: string): unknown[] {
  if (Buffer.byteLength(text, 'utf8') > PROFILES_FILE_MAX_BYTES) {
    throw invalidInput(profilesFileTooLarge('The file'));
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw invalidInput(`The file is not JSON (${(err as Error).message}).`);
  }
  const version = (data as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version !== PROFILES_FILE_VERSION) {
    throw invalidInput(
      `The file is format version ${version}; this Tidemark reads version ${PROFILES_FILE_VERSION}.` +
        (version > PROFILES_FILE_VERSION ? ' It was made by a newer Tidemark.' : ''),
    );
  }
  const envelope = profilesFileEnvelopeSchema.safeParse(data);
  if (!envelope.success) throw invalidInput(`Not a Tidemark profiles file: ${refusal(envelope.error)}.`);
  return envelope.data.profiles;
}

/** An entry's name as the report shows it, when it has one (a refused one may hide characters: escaped). */
function nameOf(entry: unknown): string | undefined {
  const name = (entry as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name.trim().slice(0, 100).replace(HIDDEN, unicodeEscape) : undefined;
}

/**
 * Adds the profiles of an export file that are not here yet. Each entry on its
 * own: added, skipped (a profile of that name exists: it is left as it is), or
 * refused with the reason. Nothing stored is changed or removed; a dry run
 * checks everything and writes nothing.
 */
export function importProfilesFile(
  profiles: ProfileService,
  text: string,
  dryRun: boolean,
): ProfileFileImport {
  const seen = new Set<string>();
  const entries = entriesOf(text).map((raw, index): ProfileFileImportEntry => {
    const report = { entry: index + 1, notes: [] as string[] };
    const name = nameOf(raw);
    if (name !== undefined) Object.assign(report, { name });
    const parsed = exportedProfileSchema.safeParse(raw);
    if (!parsed.success) return { ...report, outcome: 'refused', reason: refusal(parsed.error) };
    const fields: ProfileFields = { ...parsed.data };
    const key = fields.name.toLowerCase();
    const existing = profiles.nameTaken(fields.name);
    if (existing !== undefined || seen.has(key)) {
      const where = existing !== undefined ? 'already exists here' : 'comes earlier in the file';
      return {
        ...report,
        outcome: 'skipped',
        reason: `A profile named ${quoted(existing ?? fields.name)} ${where}; it is left as it is.`,
      };
    }
    if (fields.passwordMode === 'store') {
      fields.passwordMode = 'ask';
      report.notes.push(
        'Its password was stored on the workstation it came from: Tidemark asks for it once per session (edit the profile to store it here).',
      );
    }
    if (fields.sshHost && fields.sshSecretMode === 'store') {
      fields.sshSecretMode = 'ask';
      report.notes.push(
        'Its SSH passphrase was stored on the workstation it came from: Tidemark asks for it once per session.',
      );
    }
    // The one guard between a file's host and a password from ~/.pgpass or the prompt: never the file's to lift.
    if (fields.allowCleartextPassword) {
      delete fields.allowCleartextPassword;
      report.notes.push(
        'It sent its password in clear text where the server asked for it (pg_hba "password"); not here: edit the profile to allow it once you trust this server.',
      );
    }
    try {
      if (dryRun) {
        profiles.check(fields);
        seen.add(key);
        return { ...report, outcome: 'added' };
      }
      const created = profiles.create(fields);
      seen.add(key);
      return { ...report, outcome: 'added', profileId: created.id };
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const reasons = Object.entries(err.fields ?? {}).map(([field, why]) => `${field}: ${why}`);
      return { ...report, outcome: 'refused', reason: reasons.length ? reasons.join('; ') : err.message };
    }
  });
  return { dryRun, entries };
}
