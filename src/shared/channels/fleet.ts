import { fleetOverviewSchema } from '../fleet';
import { type ChannelSpec, empty } from './common';

export const fleetChannels = {
  /** The start page: every server in one row, worst first, built in main in one call. */
  'fleet:getOverview': { request: empty, response: fleetOverviewSchema },
} as const satisfies Record<string, ChannelSpec>;

export type FleetChannel = keyof typeof fleetChannels;
