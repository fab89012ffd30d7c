import type { ReactNode } from 'react';
import { useProfileForm, useStores } from '../stores';
import type { DraftField } from '../stores/profile-form';

/** The profile form's text fields: label, input, hint and main's error, tied together for screen readers. */

/** The id of a field's input (`pf-host`); its hint and error take `-hint` and `-error` after it. */
export const inputId = (field: string) => `pf-${field}`;

export function describedBy(...ids: (string | false | null | undefined)[]): string | undefined {
  const list = ids.filter(Boolean);
  return list.length ? list.join(' ') : undefined;
}

export function FieldMessages({
  field,
  hint,
  error,
}: {
  field: string;
  hint?: ReactNode;
  error?: string | undefined;
}) {
  return (
    <>
      {hint ? (
        <p className="field-hint" id={`${inputId(field)}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={`${inputId(field)}-error`} data-testid={`error-${field}`}>
          {error}
        </p>
      ) : null}
    </>
  );
}

export function TextField({
  field,
  label,
  hint,
  numeric,
  placeholder,
  className,
  unit,
}: {
  field: Exclude<DraftField, 'sslmode' | 'passwordMode' | 'allowCleartextPassword'>;
  label: string;
  hint?: ReactNode;
  numeric?: boolean;
  placeholder?: string;
  className?: string;
  unit?: string;
}) {
  const { profileForm } = useStores();
  const value = useProfileForm((s) => s.draft[field]);
  const error = useProfileForm((s) => s.fieldErrors[field]);
  const id = inputId(field);
  const input = (
    <input
      id={id}
      name={field}
      type="text"
      inputMode={numeric ? 'numeric' : undefined}
      autoComplete="off"
      spellCheck={false}
      placeholder={placeholder}
      value={value}
      onChange={(e) => profileForm.getState().setField(field, e.target.value)}
      aria-invalid={error ? true : undefined}
      aria-describedby={describedBy(error && `${id}-error`, hint ? `${id}-hint` : null)}
    />
  );
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      {unit ? (
        <div className="input-unit">
          {input}
          <span aria-hidden="true">{unit}</span>
        </div>
      ) : (
        input
      )}
      <FieldMessages field={field} hint={hint} error={error} />
    </div>
  );
}
