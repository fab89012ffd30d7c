import './WebhooksSection.css';
import { useEffect } from 'react';
import { type Webhook, webhookFormats } from '../../shared/webhooks';
import { hrefOf } from '../lib/router';
import { useStores, useWebhooks } from '../stores';
import { When } from './AlertParts';
import { LoadError } from './Values';

const formatLabels = { slack: 'Slack-compatible ({"text": …})', json: 'JSON (Tidemark’s own body)' } as const;

function LastDelivery({ webhook }: { webhook: Webhook }) {
  const test = useWebhooks((s) => s.tests[webhook.id]);
  const error = useWebhooks((s) => s.errors[webhook.id]);
  return (
    <div className="webhook-state">
      {webhook.lastError && webhook.lastErrorAt ? (
        <p className="field-error" data-testid="webhook-failure">
          Failed <When iso={webhook.lastErrorAt} />: {webhook.lastError}
        </p>
      ) : null}
      {webhook.lastDeliveredAt ? (
        <p className="muted small-text" data-testid="webhook-delivered">
          Last delivered <When iso={webhook.lastDeliveredAt} />
        </p>
      ) : !webhook.lastError ? (
        <p className="muted small-text">Nothing sent yet.</p>
      ) : null}
      {webhook.pending > 0 ? (
        <p className="muted small-text">{webhook.pending} waiting for a retry or an answer.</p>
      ) : null}
      {test === 'sending' ? <p className="muted small-text">Sending a test message…</p> : null}
      {test && test !== 'sending' ? (
        <p className={test.ok ? 'small-text' : 'field-error'} role="status" data-testid="webhook-test-result">
          {test.ok
            ? `The test message was accepted (HTTP ${test.status}).`
            : `The test message failed: ${test.error}.`}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" role="alert">
          {error.message}
        </p>
      ) : null}
    </div>
  );
}

/**
 * Settings → Webhooks: where raised, raised-again and resolved alerts are
 * posted. The URL holds a token: main keeps it encrypted and the page only
 * ever sees its scheme and host.
 */
export function WebhooksSection() {
  const { webhooks } = useStores();
  const list = useWebhooks((s) => s.list);
  const url = useWebhooks((s) => s.url);
  const format = useWebhooks((s) => s.format);
  const adding = useWebhooks((s) => s.adding);
  const addError = useWebhooks((s) => s.addError);

  useEffect(() => {
    void webhooks.getState().load();
  }, [webhooks]);

  const urlError = addError?.fields?.url ?? addError?.message;
  return (
    <section className="form-section webhooks" aria-labelledby="webhooks-title" data-testid="webhooks">
      <h2 id="webhooks-title">Webhooks</h2>
      <p className="muted">
        Alerts are posted to each webhook when raised, when raised again after they cleared, and when
        resolved. A delivery that fails is retried after 10 s, 1 min and 5 min, without holding up sampling; a
        webhook whose last delivery failed says so here and in the log.
      </p>
      {list.error ? (
        <LoadError message={list.error.message} onRetry={() => void webhooks.getState().load()} compact />
      ) : null}
      {list.data && list.data.length > 0 ? (
        <ul className="webhook-list">
          {list.data.map((w) => (
            <li key={w.id} data-testid="webhook" data-webhook-id={w.id} data-format={w.format}>
              <div>
                <span className="mono" data-testid="webhook-url">
                  {w.shownUrl}
                </span>{' '}
                <span className="badge">{w.format}</span>
                <LastDelivery webhook={w} />
              </div>
              <div className="webhook-actions">
                <button type="button" className="small" onClick={() => void webhooks.getState().test(w.id)}>
                  Send a test
                </button>
                <button
                  type="button"
                  className="small subtle"
                  onClick={() => void webhooks.getState().remove(w.id)}
                  aria-label={`Remove the webhook ${w.shownUrl}`}
                >
                  Remove
                </button>
              </div>
            </li>
          ))}
        </ul>
      ) : list.data ? (
        <p className="muted" data-testid="webhooks-empty">
          No webhooks yet.
        </p>
      ) : null}
      <form
        className="webhook-add"
        aria-label="Add a webhook"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void webhooks.getState().add();
        }}
      >
        <div className="field">
          <label htmlFor="webhook-url">Webhook URL</label>
          <input
            id="webhook-url"
            type="url"
            autoComplete="off"
            spellCheck={false}
            placeholder="https://hooks.slack.com/services/…"
            value={url}
            onChange={(e) => webhooks.getState().setUrl(e.target.value)}
            aria-invalid={urlError ? true : undefined}
            aria-describedby={urlError ? 'webhook-url-error' : undefined}
          />
          {urlError ? (
            <p className="field-error" id="webhook-url-error" data-testid="webhook-add-error">
              {urlError}
            </p>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor="webhook-format">Body</label>
          <select
            id="webhook-format"
            value={format}
            onChange={(e) => webhooks.getState().setFormat(e.target.value as Webhook['format'])}
          >
            {webhookFormats.map((f) => (
              <option key={f} value={f}>
                {formatLabels[f]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" disabled={adding || url.trim() === ''}>
          {adding ? 'Adding…' : 'Add webhook'}
        </button>
      </form>
    </section>
  );
}

/** On the Alerts page: webhooks whose last delivery failed, so a team that hears nothing is not left guessing. */
export function WebhookFailures() {
  const { webhooks } = useStores();
  const list = useWebhooks((s) => s.list.data);
  useEffect(() => {
    void webhooks.getState().load();
  }, [webhooks]);
  const failing = (list ?? []).filter((w) => w.lastError && w.lastErrorAt);
  if (failing.length === 0) return null;
  return (
    <div className="banner banner-warning" role="status" data-testid="webhook-failures">
      {failing.map((w) => (
        <p key={w.id}>
          Webhook <span className="mono">{w.shownUrl}</span> failed <When iso={w.lastErrorAt!} />:{' '}
          {w.lastError}. <a href={hrefOf('/settings')}>Webhooks in Settings</a>
        </p>
      ))}
    </div>
  );
}
