import { z } from 'zod';

/** The shape of one request channel: what main accepts and what it answers. */
export interface ChannelSpec {
  request: z.ZodType;
  response: z.ZodType;
}

export const empty = z.object({}).strict();
export const profileIdRequest = z.object({ profileId: z.string().min(1, 'Choose a server profile.') });
