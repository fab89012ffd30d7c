import type { AlertChannel } from '../../shared/channels/alerts';
import type { AlertService } from '../alerts/alert-service';
import type { HandlersFor } from '../router';

/** Alerts and their rules; requests are validated by the router against the contract first. */
export function alertHandlers(alerts: AlertService): HandlersFor<AlertChannel> {
  return {
    'alerts:list': ({ profileId, include }) => alerts.list(profileId, include),
    'alerts:resolve': ({ id }) => alerts.resolve(id),
    'alerts:counts': () => alerts.counts(),
    'rules:get': ({ profileId }) => alerts.getRules(profileId),
    'rules:set': ({ profileIds, rules }) => alerts.setRules(profileIds, rules),
    'rules:reset': ({ profileIds }) => alerts.resetRules(profileIds),
  };
}
