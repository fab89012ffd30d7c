import { z } from 'zod';
import { alertCountsSchema, alertRulesSchema, alertSchema, profileRulesSchema } from '../alerts';
import { type ChannelSpec, empty, profileIdRequest } from './common';

const profileIds = z.array(z.string().min(1)).min(1, 'Choose at least one profile.');

export const alertChannels = {
  /** Active alerts (default) or all kept ones, of one profile or of every profile. */
  'alerts:list': {
    request: z.object({
      profileId: z.string().optional(),
      include: z.enum(['active', 'all']).default('active'),
    }),
    response: z.array(alertSchema),
  },
  /** Dismiss: resolves the alert now. */
  'alerts:resolve': {
    request: z.object({ id: z.number().int().positive('Choose an alert.') }),
    response: alertSchema,
  },
  'alerts:counts': { request: empty, response: alertCountsSchema },
  'rules:get': { request: profileIdRequest, response: profileRulesSchema },
  /** The same rules for one or several profiles at once; they apply from the next sample. */
  'rules:set': {
    request: z.object({ profileIds, rules: alertRulesSchema }),
    response: z.array(profileRulesSchema),
  },
  /** Back to the defaults. */
  'rules:reset': { request: z.object({ profileIds }), response: z.array(profileRulesSchema) },
} as const satisfies Record<string, ChannelSpec>;

export type AlertChannel = keyof typeof alertChannels;

export const alertEvents = {
  'alerts:changed': z.object({
    profileId: z.string(),
    change: z.enum(['raised', 'resolved']),
    alert: alertSchema,
  }),
} as const;
