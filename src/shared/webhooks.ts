import { z } from 'zod';

/** slack: `{"text": …}` as Slack (and Mattermost, Rocket.Chat, Teams workflows) accept; json: Tidemark's own body. */
export const webhookFormats = ['slack', 'json'] as const;
export type WebhookFormat = (typeof webhookFormats)[number];

/** What a webhook is told about. raised_again: the same condition came back after it had cleared. */
export const webhookEvents = ['raised', 'raised_again', 'resolved', 'test'] as const;
export type WebhookEvent = (typeof webhookEvents)[number];

/** Only http and https: anything else (file:, data:, javascript:) is refused where it is typed. */
export const webhookUrlSchema = z
  .string()
  .trim()
  .min(1, 'Paste the webhook URL.')
  .max(2000, 'The webhook URL is too long (2000 characters at most).')
  .pipe(
    z.url({
      protocol: /^https?$/,
      hostname: /.+/,
      error:
        'The webhook URL must be a full http:// or https:// address, e.g. https://hooks.slack.com/services/…',
    }),
  );

/** A webhook as it crosses to the renderer: never the full URL (it holds the token). */
export const webhookSchema = z.object({
  id: z.number(),
  /** "https://hooks.slack.com/…": scheme, host and port only. */
  shownUrl: z.string(),
  format: z.enum(webhookFormats),
  createdAt: z.string(),
  lastAttemptAt: z.string().nullable(),
  lastDeliveredAt: z.string().nullable(),
  /** The last delivery that failed after its retries; null once one is delivered again. */
  lastError: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
  /** Deliveries queued or waiting for a retry right now. */
  pending: z.number(),
});
export type Webhook = z.infer<typeof webhookSchema>;

export const deliveryResultSchema = z.object({
  ok: z.boolean(),
  /** The HTTP status, when the receiver answered. */
  status: z.number().nullable(),
  error: z.string().nullable(),
});
export type DeliveryResult = z.infer<typeof deliveryResultSchema>;
