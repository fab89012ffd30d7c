import './SettingsPreferences.css';
import { DEFAULT_ALERT_RULES } from '../../shared/alerts';
import { useNotifications, useSettings, useStores } from '../stores';

/** Desktop notifications for new alerts: on or off, and from which severity. Saved at once. */
export function NotificationPrefsSection() {
  const { settings } = useStores();
  const current = useSettings((s) => s.current);
  const mainNotifies = useNotifications((s) => s.mainNotifies);
  const on = current?.notifyDesktop ?? true;
  return (
    <fieldset className="form-section plain-fieldset" data-testid="notification-prefs">
      <legend>Notifications</legend>
      <label className="radio">
        <input
          type="checkbox"
          checked={on}
          disabled={!current}
          onChange={(e) => void settings.getState().applyNow({ notifyDesktop: e.target.checked })}
          data-testid="notify-desktop"
        />
        <span>Show a desktop notification for a new alert</span>
      </label>
      <div className="radio-group" role="radiogroup" aria-label="Which alerts">
        {(
          [
            ['warning', 'Warnings and critical alerts'],
            ['critical', 'Critical alerts only'],
          ] as const
        ).map(([value, label]) => (
          <label key={value} className="radio">
            <input
              type="radio"
              name="notify-min-severity"
              value={value}
              checked={current?.notifyMinSeverity === value}
              disabled={!current || !on}
              onChange={() => void settings.getState().applyNow({ notifyMinSeverity: value })}
            />
            <span>{label}</span>
          </label>
        ))}
      </div>
      <p className="field-hint">
        {mainNotifies
          ? 'Tidemark shows them on the desktop itself.'
          : 'In a browser, the desktop notification also needs the browser’s permission (Alerts page).'}{' '}
        New alerts always show in the window and on the Alerts page; webhooks are set below.
      </p>
    </fieldset>
  );
}

/** The alert rules new servers start with: built-in, or what the DBA made the default from a server's rules. */
export function DefaultRulesNote() {
  const { settings } = useStores();
  const rules = useSettings((s) => s.current?.defaultRules);
  if (!rules) return null;
  const differ = (Object.keys(DEFAULT_ALERT_RULES) as (keyof typeof rules)[]).filter(
    (k) => rules[k] !== DEFAULT_ALERT_RULES[k],
  ).length;
  return (
    <div className="field" data-testid="default-rules">
      <p className="field-title">Alert rules</p>
      {differ === 0 ? (
        <p className="field-hint">
          The built-in rules. On a server’s Alert rules page, “Make these the default” changes them.
        </p>
      ) : (
        <p className="field-hint">
          Your own: {differ} {differ === 1 ? 'rule differs' : 'rules differ'} from the built-in ones (set from
          a server’s Alert rules page). “Reset to defaults” on a server goes back to these.{' '}
          <button
            type="button"
            className="link"
            onClick={() => void settings.getState().applyNow({ defaultRules: DEFAULT_ALERT_RULES })}
          >
            Back to the built-in rules
          </button>
        </p>
      )}
    </div>
  );
}
