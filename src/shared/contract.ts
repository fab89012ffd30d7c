import type { z } from 'zod';
import type { Channel } from './channel-names';
import { alertChannels, alertEvents } from './channels/alerts';
import { appChannels } from './channels/app';
import type { ChannelSpec } from './channels/common';
import { fleetChannels } from './channels/fleet';
import { migrationChannels, migrationEvents } from './channels/migration';
import { profileChannels, profileEvents } from './channels/profiles';
import { storageChannels, storageEvents } from './channels/storage';

/**
 * The one contract between main and renderer. Main's router, the preload
 * bridge, the host's WebSocket and the renderer client are all derived from it.
 * Channel names are `domain:verb`; each domain keeps its schemas in channels/.
 */

export const channels = {
  ...appChannels,
  ...profileChannels,
  ...migrationChannels,
  ...storageChannels,
  ...alertChannels,
  ...fleetChannels,
} as const satisfies Record<Channel, ChannelSpec>;

export type Channels = typeof channels;
export { type Channel, channelNames } from './channel-names';
export { type AppInfo, appInfoSchema } from './channels/app';
export type RequestOf<C extends Channel> = z.input<Channels[C]['request']>;
export type ParsedRequestOf<C extends Channel> = z.output<Channels[C]['request']>;
export type ResponseOf<C extends Channel> = z.output<Channels[C]['response']>;

/** Events main → renderer. */
export const events = {
  ...profileEvents,
  ...migrationEvents,
  ...storageEvents,
  ...alertEvents,
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventOf<E extends EventName> = z.output<Events[E]>;
export const eventNames = Object.keys(events) as EventName[];

export type EventMessage = { [E in EventName]: { event: E; payload: EventOf<E> } }[EventName];
