import type { FleetChannel } from '../../shared/channels/fleet';
import type { FleetService } from '../fleet/fleet-service';
import type { HandlersFor } from '../router';

export function fleetHandlers(fleet: FleetService): HandlersFor<FleetChannel> {
  return { 'fleet:getOverview': () => fleet.overview() };
}
