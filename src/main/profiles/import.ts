import type { ProfileImportResult } from '../../shared/channels/profiles';
import { profileInputSchema } from '../../shared/profile';
import { fieldErrors } from '../../shared/result';
import { AppError } from '../errors';
import type { ProfileService } from './profile-service';
import { discoverWithPasswords } from './service-file';

/**
 * Creates a profile for each label found in pg_service.conf / ~/.pgpass, each on its own:
 * one that cannot be created says why and the others still are.
 */
export async function importProfiles(
  profiles: ProfileService,
  labels: string[],
): Promise<ProfileImportResult[]> {
  const { found } = await discoverWithPasswords();
  return labels.map((label) => {
    const match = found.find((f) => f.candidate.label === label);
    if (!match) return { label, error: 'Not found any more in pg_service.conf or .pgpass. Search again.' };
    if (match.candidate.problem) return { label, error: match.candidate.problem };
    const parsed = profileInputSchema.safeParse({
      ...match.candidate.input,
      name: match.candidate.input.name ?? label,
      ...(match.password ? { password: match.password, passwordMode: 'store' } : {}),
    });
    if (!parsed.success) return { label, error: Object.values(fieldErrors(parsed.error)).join(' ') };
    try {
      return { label, profile: profiles.create(parsed.data) };
    } catch (err) {
      if (err instanceof AppError) return { label, error: err.message };
      throw err;
    }
  });
}
