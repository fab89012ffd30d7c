import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  PROFILES_FILE_MAX_BYTES,
  type ProfileFileImport,
  profilesFileTooLarge,
} from '../../shared/profile-transfer';
import type { Tidemark } from '../app';
import { osReason } from '../postgres/os-reason';
import { CliFailure, type CliIo, type CliValues, call, print, UsageError } from './common';
import { jsonText } from './output';

export const profileFileOptions = { 'dry-run': { type: 'boolean' } } as const;

export const profileFileUsage = `  profiles export FILE|-                 write every profile to a JSON file (- for stdout), without
                                         passwords, passphrases or keys
  profiles import FILE [--dry-run]       add the profiles of such a file that are not here yet; says per
                                         profile added, skipped (the name exists) or refused, and why`;

/** `profiles export FILE|-`: the file another workstation imports. */
export async function exportCommand(app: Tidemark, target: string | undefined, values: CliValues, io: CliIo) {
  if (!target) throw new UsageError('profiles export needs a file name (or - for stdout).');
  const file = await call(app, 'profiles:export', {});
  const text = `${jsonText(file, 2)}\n`;
  if (target === '-') {
    io.out(text.trimEnd());
    return;
  }
  const path = resolve(target);
  try {
    writeFileSync(path, text, { mode: 0o600 });
  } catch (err) {
    throw new CliFailure(`Cannot write ${path}: ${osReason(err)}.`, 'invalid_input');
  }
  const count = file.profiles.length;
  print(io, values, { file: path, profiles: count }, () => [
    `Exported ${count} profile${count === 1 ? '' : 's'} to ${path} (no passwords, passphrases or keys).`,
  ]);
}

/** The file's text, refused before it is read when it is too large to be a profiles file. */
function readImportFile(path: string): string {
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new CliFailure(`${path} is not a file.`, 'invalid_input');
    if (stat.size > PROFILES_FILE_MAX_BYTES) {
      throw new CliFailure(profilesFileTooLarge(path), 'invalid_input');
    }
    return readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof CliFailure) throw err;
    throw new CliFailure(`Cannot read ${path}: ${osReason(err)}.`, 'invalid_input');
  }
}

function describeImport(result: ProfileFileImport): string[] {
  const verbs = result.dryRun
    ? { added: 'would add', skipped: 'would skip', refused: 'would refuse' }
    : { added: 'added', skipped: 'skipped', refused: 'refused' };
  const lines: string[] = [];
  for (const e of result.entries) {
    const who = e.name ? `"${e.name}"` : `entry ${e.entry}`;
    lines.push(`${verbs[e.outcome].padEnd(12)} ${who}${e.reason ? `: ${e.reason}` : ''}`);
    for (const note of e.notes) lines.push(`${''.padEnd(12)}   ${note}`);
  }
  const count = (outcome: string) => result.entries.filter((e) => e.outcome === outcome).length;
  lines.push(
    `${result.dryRun ? 'Dry run, nothing saved: ' : ''}${count('added')} added, ${count('skipped')} skipped, ${count('refused')} refused.`,
  );
  return lines;
}

/** `profiles import FILE [--dry-run]`: exit 1 when the file or any entry was refused (the others are still added). */
export async function importCommand(app: Tidemark, source: string | undefined, values: CliValues, io: CliIo) {
  if (!source) throw new UsageError('profiles import needs the file to read: tidemark profiles import FILE');
  const path = resolve(source);
  const text = readImportFile(path);
  const result = await call(app, 'profiles:importFile', { text, dryRun: values['dry-run'] === true });
  print(io, values, result, describeImport);
  const refused = result.entries.filter((e) => e.outcome === 'refused').length;
  if (refused > 0) {
    throw new CliFailure(
      `${refused} of ${result.entries.length} profiles in ${path} ${result.dryRun ? 'would be' : 'were'} refused.`,
      'invalid_input',
    );
  }
}
