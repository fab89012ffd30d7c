import type { AlertChannel } from '../../shared/channels/alerts';
import type { AlertService } from '../alerts/alert-service';
import type { WebhookService } from '../alerts/webhooks/service';
import type { HandlersFor } from '../router';

/** Alerts, their rules and webhooks; requests are validated by the router against the contract first. */
export function alertHandlers(alerts: AlertService, webhooks: WebhookService): HandlersFor<AlertChannel> {
  return {
    'alerts:list': ({ profileId, include }) => alerts.list(profileId, include),
    'alerts:ack': ({ id, snooze }) => alerts.acknowledge(id, snooze),
    'alerts:unack': ({ id }) => alerts.unacknowledge(id),
    'alerts:counts': () => alerts.counts(),
    'rules:get': ({ profileId }) => alerts.getRules(profileId),
    'rules:set': ({ profileIds, rules }) => alerts.setRules(profileIds, rules),
    'rules:reset': ({ profileIds }) => alerts.resetRules(profileIds),
    'rules:listRelations': ({ profileId }) => alerts.getRelationRules(profileId),
    'rules:setRelation': ({ profileId, rule }) => alerts.setRelationRule(profileId, rule),
    'rules:removeRelation': ({ profileId, schema, name }) =>
      alerts.removeRelationRule(profileId, schema, name),
    'webhooks:list': () => webhooks.list(),
    'webhooks:add': ({ url, format }) => webhooks.add(url, format),
    'webhooks:remove': ({ id }) => webhooks.remove(id),
    'webhooks:test': ({ id }) => webhooks.test(id),
  };
}
