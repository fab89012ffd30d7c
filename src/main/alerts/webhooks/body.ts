import type { Alert } from '../../../shared/alerts';
import { oneLine } from '../../../shared/plain-text';
import type { WebhookEvent, WebhookFormat } from '../../../shared/webhooks';
import { kindTitles } from '../messages';

/** Who the alert is about, as the webhook names it. */
export interface WebhookProfile {
  id: string;
  name: string;
}

export interface WebhookMessage {
  event: WebhookEvent;
  profile: WebhookProfile | null;
  alert: Alert | null;
  sentAt: Date;
}

/**
 * One line of a Slack message. Slack reads `&`, `<` and `>` as markup (links,
 * mentions such as <!channel>): names from a monitored server must not be able
 * to ping a channel or forge a link, so they are escaped as Slack documents;
 * and, as in a desktop notification, a name cannot add a line ("Resolved") or
 * hide or reorder text (oneLine).
 */
export function slackEscape(text: string): string {
  return oneLine(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const severityWords = { warning: 'Warning', critical: 'Critical' } as const;

function slackText({ event, profile, alert }: WebhookMessage): string {
  if (event === 'test' || !alert) {
    return 'Tidemark test message: alerts will be posted here.';
  }
  const title = `${kindTitles[alert.kind]} — ${profile?.name ?? alert.profileId}`;
  if (event === 'resolved') {
    const how = alert.resolution === 'recovered' ? 'the server answers again' : 'the condition cleared';
    return `Resolved (${how}): ${slackEscape(title)}\n${slackEscape(alert.message)}`;
  }
  const again = event === 'raised_again' ? 'again ' : '';
  return `${severityWords[alert.severity]} ${again}· ${slackEscape(title)}\n${slackEscape(alert.message)}`;
}

/** Tidemark's own body: the event, the profile and the alert as the contract defines it. */
function jsonBody({ event, profile, alert, sentAt }: WebhookMessage) {
  // Only the id and the name: a profile object may carry more than the team should see.
  const who = profile ? { id: profile.id, name: profile.name } : null;
  return { source: 'tidemark', event, sentAt: sentAt.toISOString(), profile: who, alert };
}

/** The one writer of webhook bodies, per format. */
export function webhookBody(format: WebhookFormat, message: WebhookMessage): string {
  return JSON.stringify(format === 'slack' ? { text: slackText(message) } : jsonBody(message));
}

/** "https://hooks.slack.com/…": scheme, host and port; the path and query hold the token. */
export function redactUrl(text: string): string {
  const url = new URL(text);
  const hidden = url.pathname !== '/' || url.search !== '' || url.hash !== '';
  return `${url.protocol}//${url.host}${hidden ? '/…' : '/'}`;
}
