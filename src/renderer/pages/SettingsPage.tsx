import './SettingsPage.css';
import { useEffect } from 'react';
import { DEFAULT_SETTINGS, heartbeatRangeText } from '../../shared/storage';
import { ArchivedServersSection } from '../components/ArchivedServersSection';
import { DataFolderSection } from '../components/DataFolderSection';
import { DemoSection } from '../components/DemoSection';
import { FormActions } from '../components/FormActions';
import { ProfileTransferSection } from '../components/ProfileTransferSection';
import { DefaultRulesNote, NotificationPrefsSection } from '../components/SettingsPreferences';
import { LoadError } from '../components/Values';
import { WebhooksSection } from '../components/WebhooksSection';
import { useSettings, useStores } from '../stores';
import { draftChanged, type SettingsDraft } from '../stores/settings';

function NumberField({
  field,
  label,
  hint,
  unit = 'days',
  text = false,
}: {
  field: keyof SettingsDraft;
  label: string;
  hint: string;
  unit?: string;
  /** A text field (the default schedule), not a number. */
  text?: boolean;
}) {
  const { settings } = useStores();
  const value = useSettings((s) => s.draft[field]);
  const error = useSettings((s) => s.fieldErrors[field]);
  const disabled = useSettings((s) => !s.current);
  const id = `settings-${field}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className={text ? 'input-unit' : 'input-unit narrow-input'}>
        <input
          id={id}
          type="text"
          inputMode={text ? 'text' : 'numeric'}
          autoComplete="off"
          value={value}
          disabled={disabled}
          onChange={(e) => settings.getState().setField(field, e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error ${id}-hint` : `${id}-hint`}
        />
        {unit ? <span aria-hidden="true">{unit}</span> : null}
      </div>
      <p className="field-hint" id={`${id}-hint`}>
        {hint}
      </p>
      {error ? (
        <p className="field-error" id={`${id}-error`} data-testid={`error-${field}`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

const THEMES = [
  ['system', 'Follow the system'],
  ['light', 'Light'],
  ['dark', 'Dark'],
] as const;

function ThemeSection() {
  const { settings } = useStores();
  const theme = useSettings((s) => s.current?.theme);
  return (
    <fieldset className="form-section plain-fieldset radio-group">
      <legend>Theme</legend>
      {THEMES.map(([value, label]) => (
        <label key={value} className="radio">
          <input
            type="radio"
            name="theme"
            value={value}
            checked={theme === value}
            disabled={!theme}
            onChange={() => void settings.getState().setTheme(value)}
          />
          <span>{label}</span>
        </label>
      ))}
      <p className="field-hint">Applied at once and saved with the settings on this computer.</p>
    </fieldset>
  );
}

export function SettingsPage() {
  const { settings } = useStores();
  const current = useSettings((s) => s.current);
  const loadError = useSettings((s) => s.loadError);
  const saveError = useSettings((s) => s.saveError);
  const saving = useSettings((s) => s.saving);
  const saved = useSettings((s) => s.saved);
  const draft = useSettings((s) => s.draft);

  useEffect(() => {
    void settings.getState().load();
  }, [settings]);

  const dirty = current !== null && draftChanged(draft, current);

  return (
    <section aria-labelledby="page-title" className="settings-page">
      <header className="page-head">
        <div>
          <h1 id="page-title" tabIndex={-1}>
            Settings
          </h1>
          <p className="muted">
            How long Tidemark keeps history on this computer, what new servers start with, its look, how
            alerts reach you, profiles in and out, and where its data is.
          </p>
        </div>
      </header>
      {loadError && !current ? (
        <LoadError message={loadError.message} onRetry={() => void settings.getState().load()} />
      ) : null}
      <form
        className="form-section settings-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void settings.getState().save();
        }}
      >
        <fieldset className="plain-fieldset">
          <legend>History</legend>
          <NumberField
            field="sampleRetentionDays"
            label="Keep storage samples for"
            hint={`Default ${DEFAULT_SETTINGS.sampleRetentionDays} days. Older samples are pruned once a day and when Tidemark starts.`}
          />
          <NumberField
            field="heartbeatRetentionDays"
            label="Keep heartbeats for"
            hint={`Default ${DEFAULT_SETTINGS.heartbeatRetentionDays} days. Uptime and outages can only be shown for the days kept.`}
          />
          <NumberField
            field="databaseSizeEveryMinutes"
            label="Size a server's other databases every"
            unit="minutes"
            hint={`Default ${DEFAULT_SETTINGS.databaseSizeEveryMinutes} minutes. Every sample sizes its own database; the others are sized this often, and the samples in between show their last size with the time it was taken; "Sample now" sizes them all.`}
          />
          <NumberField
            field="slowDiskFactsEveryMinutes"
            label="List the oldest tables, estimate bloat, find unused indexes and size tablespaces every"
            unit="minutes"
            hint={`Default ${DEFAULT_SETTINGS.slowDiskFactsEveryMinutes} minutes. These read every table's statistics and every file of a tablespace; WAL, slots, the databases' transaction-ID ages and temporary files are read with every sample. The samples in between show the last reading with the time it was taken; "Sample now" reads them all.`}
          />
          <NumberField
            field="upkeepEveryMinutes"
            label="Read dead tuples and vacuum/analyze times every"
            unit="minutes"
            hint={`Default ${DEFAULT_SETTINGS.upkeepEveryMinutes} minutes. Sizes are read with every sample; these statistics are read this often, and the samples in between show the last reading with the time it was taken; "Sample now" reads them.`}
          />
        </fieldset>
        <fieldset className="plain-fieldset">
          <legend>Downsampling of storage samples</legend>
          <NumberField
            field="tierFineMinutes"
            unit="minutes"
            label="Recent samples: keep one per"
            hint={`Default ${DEFAULT_SETTINGS.tierFineMinutes} minutes. The last sample of each period is kept; the others are removed.`}
          />
          <NumberField
            field="tierFineDays"
            label="Recent means the last"
            hint={`Default ${DEFAULT_SETTINGS.tierFineDays} days.`}
          />
          <NumberField
            field="tierHourlyDays"
            label="One sample per hour until"
            hint={`Default ${DEFAULT_SETTINGS.tierHourlyDays} days; older samples are kept one per day. Runs once a day and when Tidemark starts.`}
          />
        </fieldset>
        <fieldset className="plain-fieldset">
          <legend>New servers start with</legend>
          <NumberField
            field="defaultSchedule"
            text
            unit=""
            label="Storage sample schedule"
            hint={`Default "${DEFAULT_SETTINGS.defaultSchedule}" (UTC). Also "every 15m", "every 2h", "hourly" or a cron expression in UTC. Servers already added keep their own.`}
          />
          <NumberField
            field="defaultHeartbeatSeconds"
            unit="seconds"
            label="Heartbeat every"
            hint={`Default ${DEFAULT_SETTINGS.defaultHeartbeatSeconds} seconds, from ${heartbeatRangeText}.`}
          />
          <DefaultRulesNote />
        </fieldset>
        <FormActions
          label="Save settings"
          saving={saving}
          dirty={dirty}
          saved={saved}
          ready={Boolean(current)}
          saveError={saveError}
          onUndo={() => settings.getState().reset()}
        />
      </form>
      <ThemeSection />
      <NotificationPrefsSection />
      <WebhooksSection />
      <ProfileTransferSection />
      <DataFolderSection />
      <ArchivedServersSection />
      <DemoSection />
    </section>
  );
}
