import './SchedulePanel.css';
import { useEffect } from 'react';
import { heartbeatRangeText } from '../../shared/storage';
import { exactTime, formatStamp, utcClock, zoneOf } from '../lib/format';
import { useSchedule, useStores } from '../stores';
import { FormActions } from './FormActions';
import { LoadError, RelTime } from './Values';

/** The profile's sampling schedule and heartbeat interval, editable. */
export function SchedulePanel({ profileId }: { profileId: string }) {
  const { schedule } = useStores();
  const current = useSchedule((s) => s.current);
  const loadError = useSchedule((s) => s.loadError);
  const draft = useSchedule((s) => s.draft);
  const fieldErrors = useSchedule((s) => s.fieldErrors);
  const saveError = useSchedule((s) => s.saveError);
  const saving = useSchedule((s) => s.saving);
  const saved = useSchedule((s) => s.saved);

  useEffect(() => {
    schedule.getState().open(profileId);
  }, [schedule, profileId]);

  const dirty =
    current !== null &&
    (draft.storage !== current.storage || draft.heartbeatSeconds !== String(current.heartbeatSeconds));

  return (
    <section className="card schedule" aria-labelledby="schedule-title" data-testid="schedule-panel">
      <h2 id="schedule-title">Sampling schedule</h2>
      {loadError && !current ? (
        <LoadError message={loadError.message} onRetry={() => void schedule.getState().load()} compact />
      ) : null}
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void schedule.getState().save();
        }}
      >
        <div className="field">
          <label htmlFor="schedule-storage">Storage sample</label>
          <input
            id="schedule-storage"
            type="text"
            spellCheck={false}
            autoComplete="off"
            value={draft.storage}
            disabled={!current}
            onChange={(e) => schedule.getState().setField('storage', e.target.value)}
            aria-invalid={fieldErrors.storage ? true : undefined}
            aria-describedby={
              fieldErrors.storage ? 'schedule-storage-error schedule-storage-hint' : 'schedule-storage-hint'
            }
          />
          <p className="field-hint" id="schedule-storage-hint">
            <span className="mono">daily 03:00</span>, <span className="mono">every 15m</span>,{' '}
            <span className="mono">every 2h</span>, or a cron expression. Schedules are in UTC; times below
            are shown in your time zone.
          </p>
          {fieldErrors.storage ? (
            <p className="field-error" id="schedule-storage-error" data-testid="error-schedule-storage">
              {fieldErrors.storage}
            </p>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor="schedule-heartbeat">Heartbeat every</label>
          <div className="input-unit narrow-input">
            <input
              id="schedule-heartbeat"
              type="text"
              inputMode="numeric"
              autoComplete="off"
              value={draft.heartbeatSeconds}
              disabled={!current}
              onChange={(e) => schedule.getState().setField('heartbeatSeconds', e.target.value)}
              aria-invalid={fieldErrors.heartbeatSeconds ? true : undefined}
              aria-describedby={
                fieldErrors.heartbeatSeconds
                  ? 'schedule-heartbeat-error schedule-heartbeat-hint'
                  : 'schedule-heartbeat-hint'
              }
            />
            <span aria-hidden="true">s</span>
          </div>
          <p className="field-hint" id="schedule-heartbeat-hint">
            {heartbeatRangeText} seconds. A heartbeat is one short query that records whether the server
            answered and how fast.
          </p>
          {fieldErrors.heartbeatSeconds ? (
            <p className="field-error" id="schedule-heartbeat-error" data-testid="error-heartbeatSeconds">
              {fieldErrors.heartbeatSeconds}
            </p>
          ) : null}
        </div>
        {current ? (
          <dl className="mini-facts">
            <div>
              <dt>Last sample</dt>
              <dd>
                <RelTime iso={current.lastSampleAt} empty="none yet" />
              </dd>
            </div>
            <div>
              <dt>Next sample</dt>
              <dd data-testid="schedule-next">
                {current.nextSampleAt ? (
                  <>
                    <time dateTime={current.nextSampleAt} title={exactTime(current.nextSampleAt)}>
                      {formatStamp(current.nextSampleAt)}
                    </time>{' '}
                    {/* The schedule is written in UTC and shown in local time: say both when they differ. */}
                    {zoneOf(current.nextSampleAt) === 'UTC' ? (
                      <span className="muted">UTC</span>
                    ) : (
                      <span className="muted" data-testid="schedule-next-zone">
                        {zoneOf(current.nextSampleAt)}, {utcClock(current.nextSampleAt)}
                      </span>
                    )}{' '}
                    <span className="muted">
                      (<RelTime iso={current.nextSampleAt} />)
                    </span>
                  </>
                ) : (
                  <span className="faint">not scheduled</span>
                )}
              </dd>
            </div>
          </dl>
        ) : null}
        <FormActions
          label="Save schedule"
          saving={saving}
          dirty={dirty}
          saved={saved}
          ready={Boolean(current)}
          saveError={saveError}
          onUndo={() => schedule.getState().reset()}
          small
        />
      </form>
    </section>
  );
}
