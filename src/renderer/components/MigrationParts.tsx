import './MigrationParts.css';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import type { MigrationState, PreflightItem } from '../../shared/migration';
import type { ValidationCheck } from '../../shared/migration-swap';
import type { AppErrorData } from '../../shared/result';
import { stateLabels, stateTones, type WizardStepId, wizardSteps } from '../lib/migration';

/** pass / warning / blocking (pre-flight) and pass / warn / fail (validation). */
export type CheckStatus = PreflightItem['status'] | ValidationCheck['status'];

const checkWords: Record<CheckStatus, string> = {
  pass: 'Pass',
  warning: 'Warning',
  blocking: 'Blocking',
  warn: 'Warning',
  fail: 'Fail',
};

/** A circle with a tick, a triangle with "!", an octagon with "×": the shape and the word say it, colour helps. */
export function CheckIcon({ status }: { status: CheckStatus }) {
  const tone = status === 'pass' ? 'pass' : status === 'warning' || status === 'warn' ? 'warn' : 'fail';
  return (
    <svg
      className={`check-icon check-icon-${tone}`}
      viewBox="0 0 16 16"
      width="16"
      height="16"
      aria-hidden="true"
    >
      {tone === 'pass' ? (
        <>
          <circle cx="8" cy="8" r="7.25" fill="currentColor" />
          <path d="M4.6 8.3 7 10.6l4.4-5" fill="none" stroke="var(--icon-on, #fff)" strokeWidth="1.9" />
        </>
      ) : tone === 'warn' ? (
        <>
          <path d="M8 0.9 15.4 14.6H0.6Z" fill="currentColor" />
          <path d="M8 5.6v4.4" stroke="var(--icon-on, #fff)" strokeWidth="1.8" strokeLinecap="round" />
          <circle cx="8" cy="12.3" r="1" fill="var(--icon-on, #fff)" />
        </>
      ) : (
        <>
          <path d="M5 0.8h6L15.2 5v6L11 15.2H5L0.8 11V5Z" fill="currentColor" />
          <path d="m5.4 5.4 5.2 5.2m0-5.2-5.2 5.2" stroke="var(--icon-on, #fff)" strokeWidth="1.9" />
        </>
      )}
    </svg>
  );
}

export function CheckMark({ status, label }: { status: CheckStatus; label?: string }) {
  const tone = status === 'pass' ? 'pass' : status === 'warning' || status === 'warn' ? 'warn' : 'fail';
  return (
    <span className={`check-mark check-${tone}`} data-status={status}>
      <CheckIcon status={status} />
      {label ?? checkWords[status]}
    </span>
  );
}

export function StateBadge({ state }: { state: MigrationState }) {
  return (
    <span
      className={`state-badge tone-${stateTones[state]}`}
      data-state={state}
      data-testid="migration-state"
    >
      {stateTones[state] === 'busy' ? <span className="spinner small-spinner" aria-hidden="true" /> : null}
      {stateLabels[state]}
    </span>
  );
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard permission (an insecure origin, an old Electron): the textarea way.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

export function CopyButton({ text, label = 'Copy', what }: { text: string; label?: string; what: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<number | null>(null);
  useEffect(() => () => void (timer.current && window.clearTimeout(timer.current)), []);
  return (
    <button
      type="button"
      className="small copy-button"
      aria-label={`${label} ${what}`}
      onClick={() => {
        void copyText(text).then((ok) => {
          setState(ok ? 'copied' : 'failed');
          if (timer.current) window.clearTimeout(timer.current);
          timer.current = window.setTimeout(() => setState('idle'), 2_500);
        });
      }}
    >
      <span aria-live="polite">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Select and copy by hand' : label}
      </span>
    </button>
  );
}

/** One SQL statement (or several), readable and copyable. */
export function SqlBlock({ sql, what, testId }: { sql: string; what: string; testId?: string }) {
  return (
    <div className="sql-block" data-testid={testId}>
      <pre>
        <code>{sql}</code>
      </pre>
      <CopyButton text={sql} what={what} />
    </div>
  );
}

/**
 * The eight steps, where this migration stands: done ones ticked, the current
 * one marked, later ones plain. Steps with a page of their own are links.
 */
export function Stepper({
  current,
  done,
  links,
}: {
  current: WizardStepId;
  /** Every step before `current` is done unless the migration ended early. */
  done: (id: WizardStepId) => boolean;
  links?: Partial<Record<WizardStepId, string>>;
}) {
  return (
    <nav className="stepper" aria-label="Migration steps">
      <ol>
        {wizardSteps.map((s) => {
          const isCurrent = s.id === current;
          const isDone = !isCurrent && done(s.id);
          const state = isCurrent ? 'current' : isDone ? 'done' : 'todo';
          const text = (
            <>
              <span className="step-n" aria-hidden="true">
                {isDone ? '✓' : s.n}
              </span>
              <span className="step-label">{s.label}</span>
              <span className="visually-hidden">
                {isCurrent ? ' (current step)' : isDone ? ' (done)' : ' (not yet)'}
              </span>
            </>
          );
          const href = links?.[s.id];
          return (
            <li key={s.id} className={`mig-step mig-step-${state}`} data-step={s.id} data-state={state}>
              {href && !isCurrent ? (
                <a href={href}>{text}</a>
              ) : (
                <span aria-current={isCurrent ? 'step' : undefined}>{text}</span>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

/** An error where it happened: what main said, and what to do when it says so. */
export function ErrorNote({
  error,
  title,
  onDismiss,
  testId,
  children,
}: {
  error: AppErrorData;
  title?: string;
  onDismiss?: () => void;
  testId?: string;
  children?: ReactNode;
}) {
  return (
    <div className="banner banner-error error-note" role="alert" data-testid={testId}>
      <CheckIcon status="fail" />
      <div>
        <p>
          {title ? <strong>{title} </strong> : null}
          {error.message}
        </p>
        {error.detail ? (
          <details className="error-detail">
            <summary>Details from the server</summary>
            <pre>{error.detail}</pre>
          </details>
        ) : null}
        {children}
      </div>
      {onDismiss ? (
        <button type="button" className="subtle small" onClick={onDismiss}>
          Dismiss
        </button>
      ) : null}
    </div>
  );
}

/** "Figure label / value" pairs; `wide` ones take two columns of a grid layout. */
export function Figures({
  items,
  className,
}: {
  items: Array<{ label: string; value: ReactNode; testId?: string; wide?: boolean }>;
  className?: string;
}) {
  return (
    <dl className={`mig-figures${className ? ` ${className}` : ''}`}>
      {items.map((f) => (
        <div key={f.label} className={f.wide ? 'wide' : undefined}>
          <dt>{f.label}</dt>
          <dd data-testid={f.testId}>{f.value}</dd>
        </div>
      ))}
    </dl>
  );
}
