import type { AppErrorData } from '../../shared/result';

interface FormActionsProps {
  /** Label of the submit button, e.g. "Save schedule". */
  label: string;
  saving: boolean;
  dirty: boolean;
  saved: boolean;
  /** False until there is something loaded to edit. */
  ready: boolean;
  /** An error not tied to one field. */
  saveError: AppErrorData | null;
  onUndo(): void;
  small?: boolean;
}

/** The end of a settings form: the error that belongs to no field, Save, Undo, and "Saved." */
export function FormActions({
  label,
  saving,
  dirty,
  saved,
  ready,
  saveError,
  onUndo,
  small,
}: FormActionsProps) {
  const size = small ? ' small' : '';
  return (
    <>
      {saveError ? (
        <p className="form-error" role="alert">
          {saveError.message}
        </p>
      ) : null}
      <div className="form-row-actions">
        <button type="submit" className={`primary${size}`} disabled={!ready || saving || !dirty}>
          {saving ? 'Saving…' : label}
        </button>
        {dirty ? (
          <button type="button" className={`subtle${size}`} onClick={onUndo}>
            Undo changes
          </button>
        ) : null}
        <span role="status" className="ok-text">
          {saved ? 'Saved.' : ''}
        </span>
      </div>
    </>
  );
}
