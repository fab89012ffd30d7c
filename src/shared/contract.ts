import { z } from 'zod';
import {
  connectionTestResultSchema,
  profileCandidateSchema,
  profileInputSchema,
  profileSchema,
  profileStatusSchema,
} from './profile';

/**
 * The one contract between main and renderer. Main's router, the preload
 * bridge, the host's WebSocket and the renderer client are all derived from it.
 * Channel names are `domain:verb`.
 */

const id = z.object({ id: z.string().min(1, 'A profile id is required.') });
const empty = z.object({}).strict();

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

export const channels = {
  'app:info': { request: empty, response: appInfoSchema },

  'profiles:list': { request: empty, response: z.array(profileSchema) },
  'profiles:get': { request: id, response: profileSchema },
  'profiles:create': { request: profileInputSchema, response: profileSchema },
  'profiles:update': { request: id.extend({ input: profileInputSchema }), response: profileSchema },
  'profiles:duplicate': {
    request: id.extend({ name: z.string().trim().min(1).max(100).optional() }),
    response: profileSchema,
  },
  'profiles:delete': { request: id, response: z.object({ id: z.string() }) },
  /** Turns a pasted libpq URI into form fields (never saves). */
  'profiles:parseUri': {
    request: z.object({ uri: z.string().trim().min(1, 'Paste a postgresql:// URI.') }),
    response: profileInputSchema.partial(),
  },
  /** Profiles found in pg_service.conf and .pgpass, to be picked and saved. */
  'profiles:discover': {
    request: z.object({ serviceFile: z.string().optional(), pgpassFile: z.string().optional() }),
    response: z.object({ candidates: z.array(profileCandidateSchema), searched: z.array(z.string()) }),
  },
  /** Tests a saved profile, or a draft from the form before it is saved. */
  'profiles:test': {
    request: z.union([
      id.extend({ password: z.string().optional() }),
      z.object({ draft: profileInputSchema, draftOf: z.string().optional() }),
    ]),
    response: connectionTestResultSchema,
  },
  /** For passwordMode 'ask': remembered in memory for this app session only. */
  'profiles:unlock': {
    request: id.extend({ password: z.string().min(1, 'Enter the password.') }),
    response: z.object({ id: z.string() }),
  },
} as const;

export type Channels = typeof channels;
export type Channel = keyof Channels;
export type RequestOf<C extends Channel> = z.input<Channels[C]['request']>;
export type ParsedRequestOf<C extends Channel> = z.output<Channels[C]['request']>;
export type ResponseOf<C extends Channel> = z.output<Channels[C]['response']>;
export const channelNames = Object.keys(channels) as Channel[];

/** Events main → renderer. */
export const events = {
  'profiles:changed': z.object({ reason: z.enum(['created', 'updated', 'deleted']), id: z.string() }),
  'profile:status': profileStatusSchema,
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventOf<E extends EventName> = z.output<Events[E]>;
export const eventNames = Object.keys(events) as EventName[];

export type EventMessage = { [E in EventName]: { event: E; payload: EventOf<E> } }[EventName];
