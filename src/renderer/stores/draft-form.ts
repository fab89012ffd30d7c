import type { AppErrorData, Result } from '../../shared/result';

/**
 * The one load → draft → save → field-errors cycle of the settings, schedule and rules stores: main
 * holds the saved value, the fields hold what the DBA typed (text), and a refusal lands under the
 * fields it names. Each store keeps its own requests; these say the shared steps once.
 */
export type DraftFormState<Saved, Draft, Field extends string> = {
  current: Saved | null;
  loadError: AppErrorData | null;
  loading: boolean;
  draft: Draft;
  fieldErrors: Partial<Record<Field, string>>;
  saveError: AppErrorData | null;
  saving: boolean;
};

/** Main's field errors under the field they name, by the last segment (`schedule.storage` → `storage`). */
export function fieldErrorsOf<Field extends string>(
  error: AppErrorData,
  isField: (key: string) => key is Field,
): Partial<Record<Field, string>> {
  const out: Partial<Record<Field, string>> = {};
  for (const [key, message] of Object.entries(error.fields ?? {})) {
    const last = key.split('.').pop() ?? key;
    if (isField(last)) out[last] ??= message;
  }
  return out;
}

/** A refused save: the messages under their fields, or, when none names a field, one for the whole form. */
export function refused<Field extends string>(error: AppErrorData, isField: (key: string) => key is Field) {
  const fieldErrors = fieldErrorsOf(error, isField);
  return {
    saving: false,
    fieldErrors,
    saveError: Object.keys(fieldErrors).length ? null : error,
  };
}

/**
 * A load's answer: the fields follow main while they still show the saved value; what the DBA is
 * typing is kept.
 */
export function loaded<Saved, Draft>(
  answer: Saved,
  state: { current: Saved | null; draft: Draft },
  draftOf: (saved: Saved) => Draft,
  untouched: (draft: Draft, current: Saved) => boolean,
) {
  const follow = state.current === null || untouched(state.draft, state.current);
  return {
    loading: false,
    loadError: null,
    current: answer,
    ...(follow ? { draft: draftOf(answer) } : {}),
  };
}

/** A load's envelope: the answer as `loaded` takes it, or the failure (the fields keep what they hold). */
export function loadAnswer<Saved, Draft>(
  result: Result<Saved>,
  state: { current: Saved | null; draft: Draft },
  draftOf: (saved: Saved) => Draft,
  untouched: (draft: Draft, current: Saved) => boolean,
) {
  return result.ok
    ? loaded(result.value, state, draftOf, untouched)
    : { loading: false, loadError: result.error };
}

/** A save's envelope: the fields show what main kept, or the refusal as `refused` places it. */
export function saveAnswer<Saved, Draft, Field extends string>(
  result: Result<Saved>,
  draftOf: (saved: Saved) => Draft,
  isField: (key: string) => key is Field,
) {
  return result.ok
    ? { saving: false, current: result.value, draft: draftOf(result.value), fieldErrors: {}, saveError: null }
    : refused(result.error, isField);
}

/** An edit of one field: its error goes with the old text. */
export function edited<Draft, Field extends string>(
  state: { draft: Draft; fieldErrors: Partial<Record<Field, string>> },
  field: Field & keyof Draft,
  value: Draft[Field & keyof Draft],
) {
  const { [field]: _cleared, ...fieldErrors } = state.fieldErrors;
  return {
    draft: { ...state.draft, [field]: value },
    fieldErrors: fieldErrors as Partial<Record<Field, string>>,
  };
}

/** A key check for `fieldErrorsOf` from the list of a form's fields. */
export const oneOf =
  <Field extends string>(fields: readonly Field[]) =>
  (key: string): key is Field =>
    (fields as readonly string[]).includes(key);
