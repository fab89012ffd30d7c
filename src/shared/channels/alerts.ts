import { z } from 'zod';
import {
  alertCountsSchema,
  alertRulesSchema,
  alertSchema,
  profileRulesSchema,
  relationRuleSchema,
  snoozeChoices,
} from '../alerts';
import { deliveryResultSchema, webhookFormats, webhookSchema, webhookUrlSchema } from '../webhooks';
import { type ChannelSpec, empty, profileIdRequest } from './common';

const profileIds = z.array(z.string().min(1)).min(1, 'Choose at least one profile.');
const alertId = z.number().int().positive('Choose an alert.');
const webhookId = z.object({ id: z.number().int().positive('Choose a webhook.') });

export const alertChannels = {
  /** Active alerts (default) or all kept ones, of one profile or of every profile. */
  'alerts:list': {
    request: z.object({
      profileId: z.string().optional(),
      include: z.enum(['active', 'all']).default('active'),
    }),
    response: z.array(alertSchema),
  },
  /** Acknowledge: quiet until the condition clears, or until the snooze ends. */
  'alerts:ack': {
    request: z.object({ id: alertId, snooze: z.enum(snoozeChoices).optional() }),
    response: alertSchema,
  },
  /** Undo an acknowledgement: the alert is shown and counted again. */
  'alerts:unack': { request: z.object({ id: alertId }), response: alertSchema },
  'alerts:counts': { request: empty, response: alertCountsSchema },
  'rules:get': { request: profileIdRequest, response: profileRulesSchema },
  /** The same rules for one or several profiles at once; they apply from the next sample. */
  'rules:set': {
    request: z.object({ profileIds, rules: alertRulesSchema }),
    response: z.array(profileRulesSchema),
  },
  /** Back to the defaults. */
  'rules:reset': { request: z.object({ profileIds }), response: z.array(profileRulesSchema) },
  /** A profile's per-relation overrides (mute, own size limit, own growth threshold). */
  'rules:listRelations': { request: profileIdRequest, response: z.array(relationRuleSchema) },
  'rules:setRelation': {
    request: z.object({ profileId: z.string().min(1), rule: relationRuleSchema }),
    response: z.array(relationRuleSchema),
  },
  'rules:removeRelation': {
    request: z.object({ profileId: z.string().min(1), schema: z.string(), name: z.string() }),
    response: z.array(relationRuleSchema),
  },
  'webhooks:list': { request: empty, response: z.array(webhookSchema) },
  'webhooks:add': {
    request: z.object({ url: webhookUrlSchema, format: z.enum(webhookFormats).default('slack') }),
    response: webhookSchema,
  },
  'webhooks:remove': { request: webhookId, response: z.array(webhookSchema) },
  /** Posts a test message now and answers how it went (no retries). */
  'webhooks:test': { request: webhookId, response: deliveryResultSchema },
} as const satisfies Record<string, ChannelSpec>;

export type AlertChannel = keyof typeof alertChannels;

export const alertEvents = {
  'alerts:changed': z.object({
    profileId: z.string(),
    /** raised: new, or loud again after a snooze; updated: new figures or acknowledged; resolved. */
    change: z.enum(['raised', 'updated', 'resolved']),
    alert: alertSchema,
  }),
  /** A webhook's delivery state changed (delivered, or failed after its retries). */
  'webhooks:changed': z.object({ webhook: webhookSchema }),
} as const;
