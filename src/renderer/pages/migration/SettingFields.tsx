import { type ReactNode, useId } from 'react';
import type { SettingsField } from '../../lib/migration';
import { useMigrationWizard } from '../../stores';

/** One setting of step 3: its input, its error from main, its default and why. */

/** Main's field messages may start mid-sentence ("must be greater than zero"). */
function sentence(text: string | undefined): string | undefined {
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

export function SettingField({
  label,
  field,
  reason,
  defaultText,
  children,
  inputId,
}: {
  label: string;
  field: SettingsField;
  reason: string | undefined;
  defaultText: string | null;
  children: ReactNode;
  inputId: string;
}) {
  const error = sentence(useMigrationWizard((s) => s.formErrors[field]));
  return (
    <div className="field mig-setting" data-field={field}>
      <label htmlFor={inputId}>{label}</label>
      {children}
      {error ? (
        <p className="field-error" id={`${inputId}-error`} data-testid={`error-${field}`}>
          {error}
        </p>
      ) : null}
      <p className="field-hint" id={`${inputId}-hint`}>
        {defaultText !== null ? (
          <>
            <span className="default-value">Default: {defaultText}.</span>{' '}
          </>
        ) : null}
        {reason}
      </p>
    </div>
  );
}

export function TextSetting({
  label,
  field,
  value,
  onChange,
  reason,
  defaultText,
  unit,
  numeric,
}: {
  label: string;
  field: SettingsField;
  value: string;
  onChange: (v: string) => void;
  reason: string | undefined;
  defaultText: string | null;
  unit?: string;
  /** A number: whole ('numeric' keyboard) or with a fraction ('decimal'). */
  numeric?: boolean | 'decimal';
}) {
  const id = useId();
  const error = useMigrationWizard((s) => s.formErrors[field]);
  const input = (
    <input
      id={id}
      type="text"
      className={numeric ? 'num-input' : undefined}
      inputMode={numeric === 'decimal' ? 'decimal' : numeric ? 'numeric' : undefined}
      value={value}
      aria-invalid={error ? true : undefined}
      aria-describedby={`${error ? `${id}-error ` : ''}${id}-hint`}
      onChange={(e) => onChange(e.target.value)}
    />
  );
  return (
    <SettingField label={label} field={field} reason={reason} defaultText={defaultText} inputId={id}>
      {unit ? (
        <div className="input-unit">
          {input}
          <span>{unit}</span>
        </div>
      ) : (
        input
      )}
    </SettingField>
  );
}

/** A setting that is off unless ticked (compression, retention): the box, then the value it turns on. */
export function SwitchedSetting({
  label,
  field,
  inputLabel,
  on,
  onToggle,
  value,
  onChange,
  reason,
  defaultText,
  note,
}: {
  label: string;
  field: SettingsField;
  /** The input's own name for screen readers, e.g. "Retention: older than". */
  inputLabel: string;
  on: boolean;
  onToggle: (on: boolean) => void;
  value: string;
  onChange: (v: string) => void;
  reason: string | undefined;
  defaultText: string;
  /** Said after the reason, e.g. what turning it on costs. */
  note?: ReactNode;
}) {
  const error = useMigrationWizard((s) => s.formErrors[field]);
  return (
    <div className="field mig-setting" data-field={field}>
      <label className="mig-check">
        <input type="checkbox" checked={on} onChange={(e) => onToggle(e.target.checked)} />
        <span>{label}</span>
      </label>
      <input
        type="text"
        aria-label={inputLabel}
        value={value}
        disabled={!on}
        aria-invalid={error ? true : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {error ? (
        <p className="field-error" data-testid={`error-${field}`}>
          {error}
        </p>
      ) : null}
      <p className="field-hint">
        <span className="default-value">Default: {defaultText}.</span> {reason}
        {note ? <> {note}</> : null}
      </p>
    </div>
  );
}
