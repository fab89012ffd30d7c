import type Database from 'better-sqlite3';
import type { Alert } from '../../../shared/alerts';
import type { DeliveryResult, Webhook, WebhookEvent, WebhookFormat } from '../../../shared/webhooks';
import type { EventBus } from '../../events';
import type { Logger } from '../../logger';
import type { SecretStore } from '../../secrets/secret-store';
import { redactUrl, type WebhookProfile, webhookBody } from './body';
import { postWebhook } from './post';
import { WebhookRepository } from './repository';

/** What a webhook URL's ciphertext is bound to: it decrypts as a webhook URL only, never as a password. */
const WEBHOOK_URL_TARGET = JSON.stringify(['tidemark-secret-target-1', 'webhook-url']);

export interface WebhookOptions {
  /** Waits before each retry; one attempt more than there are delays. */
  retryDelaysMs?: readonly number[];
  /** A receiver that does not answer within this is a failed attempt. */
  timeoutMs?: number;
}

/** Retries after 10 s, 1 min and 5 min: four attempts over about six minutes. */
export const DEFAULT_RETRY_DELAYS_MS = [10_000, 60_000, 300_000] as const;
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Deliveries waiting at once; beyond this a new one is recorded as failed rather than queued without end. */
const MAX_PENDING = 200;

interface Deps {
  db: Database.Database;
  secretStore: SecretStore;
  logger: Logger;
  now: () => Date;
  events: EventBus;
  options?: WebhookOptions | undefined;
}

/**
 * Alerts posted to the team's chat or tooling. `announce` only queues: each
 * delivery runs on its own, with a timeout and bounded retries, so a slow or
 * failing receiver never holds up a sample or another delivery. The URL is a
 * secret: stored encrypted, logged and shown redacted.
 */
export class WebhookService {
  private readonly repo: WebhookRepository;
  private readonly log: Logger;
  private readonly retryDelaysMs: readonly number[];
  private readonly timeoutMs: number;
  private readonly pending = new Map<Promise<void>, number>();
  private readonly closing = new AbortController();

  constructor(private readonly deps: Deps) {
    this.repo = new WebhookRepository(deps.db);
    this.log = deps.logger.child({ component: 'webhooks' });
    this.retryDelaysMs = deps.options?.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.timeoutMs = deps.options?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  add(url: string, format: WebhookFormat): Webhook {
    const shown = redactUrl(url);
    const { webhook } = this.repo.add(
      this.deps.secretStore.encrypt(url, WEBHOOK_URL_TARGET),
      shown,
      format,
      this.deps.now(),
    );
    this.log.info({ webhookId: webhook.id, url: shown, format }, 'webhook added');
    return this.withPending(webhook);
  }

  list(): Webhook[] {
    return this.repo.list().map(({ webhook }) => this.withPending(webhook));
  }

  remove(id: number): Webhook[] {
    this.repo.remove(id);
    this.log.info({ webhookId: id }, 'webhook removed');
    return this.list();
  }

  /** One attempt now, answered to whoever asked (the Settings page, `tidemark notify test`). */
  async test(id: number): Promise<DeliveryResult> {
    const { webhook } = this.repo.get(id);
    const body = webhookBody(webhook.format, {
      event: 'test',
      profile: null,
      alert: null,
      sentAt: this.deps.now(),
    });
    return this.attempt(id, body, 'test', true);
  }

  /** Queues the alert for every webhook and returns at once. */
  announce(event: Exclude<WebhookEvent, 'test'>, alert: Alert, profile: WebhookProfile): void {
    for (const { webhook } of this.repo.list()) {
      const body = webhookBody(webhook.format, { event, profile, alert, sentAt: this.deps.now() });
      if (this.pending.size >= MAX_PENDING) {
        this.record(
          webhook.id,
          { ok: false, status: null, error: 'too many deliveries waiting' },
          event,
          true,
        );
        continue;
      }
      const job = this.deliver(webhook.id, body, `${event} alert ${alert.id}`).finally(() =>
        this.pending.delete(job),
      );
      this.pending.set(job, webhook.id);
    }
  }

  /** Resolves once every queued delivery has been delivered or given up. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending.keys()]);
  }

  /**
   * No more retries: attempts under way finish (within the timeout, so a
   * `tidemark sample` that raised an alert still posts it before it exits);
   * what was waiting for a retry is recorded and logged as not delivered.
   */
  async close(): Promise<void> {
    this.closing.abort();
    await this.idle();
  }

  private async deliver(id: number, body: string, what: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= this.retryDelaysMs.length;
      const result = await this.attempt(id, body, what, last);
      if (result.ok || last || !this.repo.find(id)) return;
      await this.pause(this.retryDelaysMs[attempt]!);
      if (this.closing.signal.aborted) {
        this.record(id, { ok: false, status: null, error: 'not retried: Tidemark was closing' }, what, true);
        return;
      }
    }
  }

  private async attempt(id: number, body: string, what: string, last: boolean): Promise<DeliveryResult> {
    const stored = this.repo.find(id);
    if (!stored) return { ok: false, status: null, error: 'the webhook was removed' };
    let url: string;
    try {
      url = this.deps.secretStore.decrypt(stored.urlCipher, WEBHOOK_URL_TARGET);
    } catch (err) {
      const error = `its URL cannot be read here (${(err as Error).message}); add the webhook again`;
      return this.record(id, { ok: false, status: null, error }, what, true);
    }
    const result = await postWebhook(url, body, this.timeoutMs);
    return this.record(id, result, what, last);
  }

  private record(id: number, result: DeliveryResult, what: string, last: boolean): DeliveryResult {
    const at = this.deps.now();
    const stored = this.repo.find(id);
    if (!stored) return result;
    const fields = { webhookId: id, url: stored.webhook.shownUrl, what, status: result.status };
    if (result.ok) {
      this.repo.delivered(id, at);
      this.log.info(fields, 'webhook delivered');
    } else if (last) {
      this.repo.failed(id, `${what}: ${result.error}`, at);
      this.log.error({ ...fields, error: result.error }, 'webhook delivery failed');
    } else {
      this.repo.attempted(id, at);
      this.log.warn({ ...fields, error: result.error }, 'webhook delivery failed; will retry');
      return result;
    }
    this.deps.events.emit('webhooks:changed', { webhook: this.withPending(this.repo.get(id).webhook) });
    return result;
  }

  private pause(ms: number): Promise<void> {
    const signal = this.closing.signal;
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref?.();
      signal.addEventListener('abort', done);
    });
  }

  private withPending(webhook: Omit<Webhook, 'pending'>): Webhook {
    let pending = 0;
    for (const id of this.pending.values()) if (id === webhook.id) pending++;
    return { ...webhook, pending };
  }
}
