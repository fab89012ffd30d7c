import './AlertRulesPage.css';
import { useEffect, useMemo, useState } from 'react';
import { type AlertRules, DEFAULT_ALERT_RULES } from '../../shared/alerts';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ProfileLayout } from '../components/ProfileLayout';
import { RelationRulesSection } from '../components/RelationRulesSection';
import { LoadError } from '../components/Values';
import { defaultText, exactBytesHint, isByteRule } from '../lib/alerts';
import { endpointOf } from '../lib/format';
import { growthRules, type RuleSpec, serverRules, sizeRules } from '../lib/rule-specs';
import { useProfiles, useRules, useSettings, useStores } from '../stores';
import { sameAsSaved, typedValue } from '../stores/rules';

function RuleRow({ spec }: { spec: RuleSpec }) {
  const { rules } = useStores();
  const on = useRules((s) => (spec.switch ? s.draft[spec.switch] : true));
  const value = useRules((s) => s.draft[spec.value.rule]);
  const error = useRules((s) => s.fieldErrors[spec.value.rule]);
  const disabled = useRules((s) => !s.current);
  const rule = spec.value.rule;
  const inputId = `rule-${rule}`;
  const switchId = spec.switch ? `rule-${spec.switch}` : undefined;
  const hintId = `${inputId}-hint`;
  const exact = isByteRule(rule) ? exactBytesHint(value) : null;
  const typed = typedValue(rule, value);
  const differs = typed !== null && typed !== DEFAULT_ALERT_RULES[rule];

  return (
    <div className={`rule-row${on ? '' : ' rule-off'}`} data-testid={`rule-${spec.id}`}>
      <div className="rule-title">
        {spec.switch ? (
          <span className="switch">
            <input
              id={switchId}
              type="checkbox"
              role="switch"
              checked={on}
              aria-checked={on}
              disabled={disabled}
              onChange={(e) => rules.getState().setSwitch(spec.switch!, e.target.checked)}
              aria-describedby={hintId}
            />
            <label htmlFor={switchId}>{spec.title}</label>
            <span className="switch-state" aria-hidden="true">
              {on ? 'On' : 'Off'}
            </span>
          </span>
        ) : (
          <span className="rule-name">{spec.title}</span>
        )}
      </div>
      <div className="rule-value">
        <label htmlFor={inputId}>
          <span className="visually-hidden">{spec.value.name} </span>
          {spec.value.text}
        </label>
        <span className="input-unit">
          <input
            id={inputId}
            type="text"
            inputMode="decimal"
            autoComplete="off"
            spellCheck={false}
            value={value}
            disabled={disabled}
            onChange={(e) => rules.getState().setValue(rule, e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${inputId}-error ${hintId}` : hintId}
          />
          <span>{spec.value.unit}</span>
        </span>
        <span className={`rule-default${differs ? ' changed' : ''}`} data-testid={`default-${rule}`}>
          Default {defaultText(rule, DEFAULT_ALERT_RULES)}
        </span>
      </div>
      <p className="field-hint rule-hint" id={hintId}>
        {spec.hint}
        {exact ? <span className="exact-bytes"> {exact}.</span> : null}
        {spec.switch && !on ? <strong className="off-note"> Off: this rule never fires.</strong> : null}
      </p>
      {error ? (
        <p className="field-error" id={`${inputId}-error`} data-testid={`error-${rule}`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

function RuleGroup({
  id,
  title,
  lede,
  specs,
}: {
  id: string;
  title: string;
  lede: string;
  specs: RuleSpec[];
}) {
  return (
    <fieldset className={`form-section rule-group rule-group-${id}`} data-testid={`rules-${id}`}>
      <legend>{title}</legend>
      <p className="muted rule-lede">{lede}</p>
      {specs.map((s) => (
        <RuleRow key={s.id} spec={s} />
      ))}
    </fieldset>
  );
}

function OtherProfiles({ profileId }: { profileId: string }) {
  const { rules } = useStores();
  const profiles = useProfiles((s) => s.profiles);
  const chosen = useRules((s) => s.alsoApplyTo);
  const others = useMemo(() => profiles.filter((p) => p.id !== profileId), [profiles, profileId]);
  if (others.length === 0) return null;
  const all = others.every((p) => chosen.includes(p.id));
  return (
    <fieldset className="form-section apply-others" data-testid="apply-to-others">
      <legend>Apply to other profiles too</legend>
      <p className="muted rule-lede">
        Save (or Back to defaults) sets the same rules on the profiles ticked here as well. Their current
        rules are replaced.
      </p>
      <div className="apply-tools">
        <button
          type="button"
          className="link"
          onClick={() => rules.getState().setAlsoApplyTo(all ? [] : others.map((p) => p.id))}
        >
          {all ? 'Untick all' : 'Tick all'}
        </button>
        <span className="muted small-text">
          {chosen.length} of {others.length} ticked
        </span>
      </div>
      <ul className="profile-checklist">
        {others.map((p) => {
          const id = `apply-${p.id}`;
          return (
            <li key={p.id}>
              <input
                id={id}
                type="checkbox"
                checked={chosen.includes(p.id)}
                onChange={() => rules.getState().toggleAlsoApplyTo(p.id)}
              />
              <label htmlFor={id}>
                <span className="check-name">{p.name}</span>{' '}
                <span className="mono muted check-endpoint">{endpointOf(p)}</span>
              </label>
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}

function differsFromDefaults(rules: AlertRules, defaults: AlertRules): number {
  return (Object.keys(DEFAULT_ALERT_RULES) as Array<keyof AlertRules>).filter((k) => rules[k] !== defaults[k])
    .length;
}

function DoneNote() {
  const done = useRules((s) => s.done);
  const profiles = useProfiles((s) => s.profiles);
  if (!done) return null;
  const names = done.profileIds.map((id) => profiles.find((p) => p.id === id)?.name ?? id);
  const who = names.length === 1 ? names[0] : `${names.length} profiles (${names.join(', ')})`;
  return (
    <>
      {done.action === 'saved' ? 'Saved' : 'Back to the defaults'} for {who}. They apply from the next sample.
    </>
  );
}

function RulesForm({ profileId, profileName }: { profileId: string; profileName: string }) {
  const { rules } = useStores();
  const current = useRules((s) => s.current);
  const loadError = useRules((s) => s.loadError);
  const draft = useRules((s) => s.draft);
  const saveError = useRules((s) => s.saveError);
  const saving = useRules((s) => s.saving);
  const resetting = useRules((s) => s.resetting);
  const alsoCount = useRules((s) => s.alsoApplyTo.length);
  const fieldErrorCount = useRules((s) => Object.keys(s.fieldErrors).length);
  const [confirming, setConfirming] = useState(false);
  const { settings } = useStores();
  // What new servers start with and "Back to defaults" restores (Settings; built-in until changed).
  const defaults = useSettings((s) => s.current?.defaultRules) ?? DEFAULT_ALERT_RULES;
  const [madeDefault, setMadeDefault] = useState(false);

  useEffect(() => {
    rules.getState().open(profileId);
  }, [rules, profileId]);

  const dirty = current !== null && !sameAsSaved(draft, current.rules);
  const targets = alsoCount + 1;
  const forWhom = targets > 1 ? ` for ${targets} profiles` : '';

  return (
    <div className="rules-body">
      {loadError && !current ? (
        <LoadError message={loadError.message} onRetry={() => void rules.getState().load()} />
      ) : null}
      <div
        className="rules-state"
        data-testid="rules-state"
        data-default={current ? String(current.isDefault) : undefined}
      >
        {current ? (
          current.isDefault ? (
            <>
              <span className="badge badge-default">Uses the defaults</span>
              <span className="muted">
                {profileName} has no rules of its own; the defaults shown below apply.
              </span>
            </>
          ) : (
            <>
              <span className="badge badge-custom">Custom rules</span>
              <span className="muted">
                {differsFromDefaults(current.rules, defaults) === 0
                  ? 'Stored for this profile, with the same values as the defaults.'
                  : `${differsFromDefaults(current.rules, defaults)} of ${Object.keys(DEFAULT_ALERT_RULES).length} settings differ from the defaults.`}
              </span>
            </>
          )
        ) : (
          <span className="loading">Loading the rules…</span>
        )}
      </div>
      <form
        className="rules-form"
        noValidate
        aria-label={`Alert rules of ${profileName}`}
        onSubmit={(e) => {
          e.preventDefault();
          const form = e.currentTarget;
          void rules
            .getState()
            .save()
            .then((ok) => {
              // Refused: take the DBA to the first figure that needs a change.
              if (ok) return;
              window.setTimeout(
                () => form.querySelector<HTMLInputElement>('[aria-invalid="true"]')?.focus(),
                0,
              );
            });
        }}
      >
        <RuleGroup
          id="growth"
          title="Growth rules"
          lede="How fast it grows: the size now against the size one growth window before, in percent or in bytes a day."
          specs={growthRules}
        />
        <RuleGroup
          id="size"
          title="Absolute-size rules"
          lede="How big it is: the database's total size, whatever its growth."
          specs={sizeRules}
        />
        <RuleGroup
          id="server"
          title="Server"
          lede="Whether the server answers Tidemark's heartbeats."
          specs={serverRules}
        />
        <OtherProfiles profileId={profileId} />

        <div className="form-actions rules-actions">
          <button
            type="submit"
            className="primary"
            disabled={!current || saving || (!dirty && alsoCount === 0)}
            data-testid="rules-save"
          >
            {saving ? 'Saving…' : `Save rules${forWhom}`}
          </button>
          {dirty ? (
            <button type="button" className="subtle" onClick={() => rules.getState().undo()}>
              Undo changes
            </button>
          ) : null}
          <button
            type="button"
            className="subtle"
            onClick={() => setConfirming(true)}
            disabled={!current || resetting || (current.isDefault && alsoCount === 0)}
            data-testid="rules-reset"
          >
            Back to defaults{forWhom}
          </button>
          <button
            type="button"
            className="subtle"
            disabled={!current || dirty || current.isDefault}
            title="New servers start with these rules; servers already added keep theirs."
            onClick={() =>
              current &&
              void settings
                .getState()
                .applyNow({ defaultRules: current.rules })
                .then((ok) => {
                  setMadeDefault(ok);
                  if (ok) void rules.getState().load();
                })
            }
            data-testid="rules-make-default"
          >
            Make these the default for new servers
          </button>
          <span role="status" className="ok-text" data-testid="rules-done">
            {madeDefault && current?.isDefault ? 'New servers start with these rules.' : <DoneNote />}
          </span>
          {/* In the bar that stays on screen, so it is seen wherever the form is scrolled. */}
          {saveError ? (
            <p className="form-error" role="alert" data-testid="rules-error">
              {saveError.message}
            </p>
          ) : fieldErrorCount ? (
            <p className="form-error" role="alert" data-testid="rules-error">
              {fieldErrorCount === 1 ? 'One figure needs' : `${fieldErrorCount} figures need`} a change: see
              the message under it.
            </p>
          ) : null}
        </div>
      </form>
      {confirming ? (
        <ConfirmDialog
          title={
            targets > 1 ? `Back to the default rules for ${targets} profiles?` : 'Back to the default rules?'
          }
          confirmLabel="Use the defaults"
          busy={resetting}
          error={saveError?.message ?? null}
          onConfirm={() => {
            void rules
              .getState()
              .resetToDefaults()
              .then((ok) => ok && setConfirming(false));
          }}
          onCancel={() => setConfirming(false)}
        >
          <p>
            Growth above {defaults.growthWarningPct} % or {defaultText('growthPerDayBytes', defaults)} a day
            over {defaultText('growthWindowHours', defaults)} for databases and relations above{' '}
            {defaultText('growthFloorBytes', defaults)}, critical above{' '}
            {defaultText('sizeCriticalBytes', defaults)}, a forecast window of{' '}
            {defaultText('forecastDays', defaults)} from a rate fitted over at least{' '}
            {defaultText('rateWindowHours', defaults)} and {defaultText('rateMinSamples', defaults)}, disk
            full within {defaultText('diskFullDays', defaults)} (profiles with a disk size), and server down
            after {defaultText('serverDownMinutes', defaults)}, every rule on.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

/** #/profiles/:id/rules */
export function AlertRulesPage({ id }: { id: string }) {
  return (
    <ProfileLayout profileId={id} tab="rules">
      {(profile) => (
        <>
          <RulesForm profileId={profile.id} profileName={profile.name} />
          <RelationRulesSection profileId={profile.id} />
        </>
      )}
    </ProfileLayout>
  );
}
