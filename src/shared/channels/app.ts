import { z } from 'zod';
import { type ChannelSpec, empty } from './common';

export const appInfoSchema = z.object({
  version: z.string(),
  mode: z.enum(['electron', 'browser', 'cli']),
  dataDir: z.string(),
  secretStorage: z.object({
    backend: z.string(),
    /** false where the encryption key sits beside the data (Linux basic_text, browser mode). */
    strong: z.boolean(),
    note: z.string(),
  }),
  /** Things the DBA must know about this start (a store moved aside, etc.). */
  notices: z.array(z.object({ level: z.enum(['info', 'warning', 'error']), message: z.string() })),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const appChannels = {
  'app:getInfo': { request: empty, response: appInfoSchema },
} as const satisfies Record<string, ChannelSpec>;
