import type Database from 'better-sqlite3';
import type { Webhook, WebhookFormat } from '../../../shared/webhooks';
import { notFound } from '../../errors';
import { storeError } from '../../history/store-error';

interface Row {
  id: number;
  url_cipher: Buffer;
  url_shown: string;
  format: WebhookFormat;
  created_at: number;
  last_attempt_at: number | null;
  last_delivered_at: number | null;
  last_error: string | null;
  last_error_at: number | null;
}

/** A stored webhook with its encrypted URL (main only; never sent to the renderer). */
export interface StoredWebhook {
  webhook: Omit<Webhook, 'pending'>;
  urlCipher: Buffer;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const fromRow = (r: Row): StoredWebhook => ({
  urlCipher: r.url_cipher,
  webhook: {
    id: r.id,
    shownUrl: r.url_shown,
    format: r.format,
    createdAt: new Date(r.created_at).toISOString(),
    lastAttemptAt: iso(r.last_attempt_at),
    lastDeliveredAt: iso(r.last_delivered_at),
    lastError: r.last_error,
    lastErrorAt: iso(r.last_error_at),
  },
});

/** Webhooks and the state of their last delivery. */
export class WebhookRepository {
  private readonly stmts;

  constructor(db: Database.Database) {
    this.stmts = {
      insert: db.prepare<[{ cipher: Buffer; shown: string; format: WebhookFormat; at: number }], Row>(`
        INSERT INTO webhooks (url_cipher, url_shown, format, created_at)
        VALUES (@cipher, @shown, @format, @at) RETURNING *`),
      list: db.prepare<[], Row>('SELECT * FROM webhooks ORDER BY id'),
      get: db.prepare<[number], Row>('SELECT * FROM webhooks WHERE id = ?'),
      remove: db.prepare<[number]>('DELETE FROM webhooks WHERE id = ?'),
      delivered: db.prepare<[{ id: number; at: number }]>(`
        UPDATE webhooks SET last_attempt_at = @at, last_delivered_at = @at, last_error = NULL, last_error_at = NULL
        WHERE id = @id`),
      failed: db.prepare<[{ id: number; at: number; error: string }]>(`
        UPDATE webhooks SET last_attempt_at = @at, last_error = @error, last_error_at = @at WHERE id = @id`),
      attempted: db.prepare<[{ id: number; at: number }]>(
        'UPDATE webhooks SET last_attempt_at = @at WHERE id = @id',
      ),
    };
  }

  add(urlCipher: Buffer, shownUrl: string, format: WebhookFormat, at: Date): StoredWebhook {
    try {
      return fromRow(
        this.stmts.insert.get({ cipher: urlCipher, shown: shownUrl, format, at: at.getTime() })!,
      );
    } catch (err) {
      throw storeError(err, 'The webhook');
    }
  }

  list(): StoredWebhook[] {
    return this.stmts.list.all().map(fromRow);
  }

  /** null when it was removed (a retry of a removed webhook is dropped). */
  find(id: number): StoredWebhook | null {
    const row = this.stmts.get.get(id);
    return row ? fromRow(row) : null;
  }

  get(id: number): StoredWebhook {
    const found = this.find(id);
    if (!found) throw notFound(`There is no webhook ${id}. \`tidemark notify list\` shows them.`);
    return found;
  }

  remove(id: number): void {
    this.get(id);
    this.stmts.remove.run(id);
  }

  /** An attempt that will be retried: only its time is kept. */
  attempted(id: number, at: Date): void {
    this.stmts.attempted.run({ id, at: at.getTime() });
  }

  delivered(id: number, at: Date): void {
    this.stmts.delivered.run({ id, at: at.getTime() });
  }

  failed(id: number, error: string, at: Date): void {
    this.stmts.failed.run({ id, error, at: at.getTime() });
  }
}
