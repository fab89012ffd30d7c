import type { Webhook } from '../../shared/webhooks';
import { webhookFormats } from '../../shared/webhooks';
import type { Tidemark } from '../app';
import {
  CliFailure,
  type CliIo,
  type CliValues,
  type CommandGroup,
  call,
  idArgument,
  print,
  table,
  UsageError,
} from './common';

const when = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '');

function webhookRows(webhooks: Webhook[]): string[] {
  const rows = [['ID', 'FORMAT', 'URL', 'LAST DELIVERED (UTC)', 'LAST FAILURE']];
  for (const w of webhooks) {
    const failure = w.lastError ? `${when(w.lastErrorAt)} ${w.lastError.replace(/\s+/g, ' ')}` : '';
    rows.push([String(w.id), w.format, w.shownUrl, when(w.lastDeliveredAt), failure]);
  }
  return table(rows);
}

const webhookId = (verb: string, text: string | undefined) =>
  idArgument(
    text,
    `notify ${verb} needs the webhook id shown by \`tidemark notify list\`: tidemark notify ${verb} 1`,
  );

async function notifyCommand(app: Tidemark, args: string[], values: CliValues, io: CliIo) {
  const [verb, arg] = args;
  switch (verb) {
    case 'add': {
      if (!arg)
        throw new UsageError(
          'notify add needs the webhook URL: tidemark notify add https://hooks.slack.com/services/…',
        );
      const format = values.format ?? 'slack';
      if (!webhookFormats.some((f) => f === format)) {
        throw new UsageError(`--format ${String(format)}: choose slack or json.`);
      }
      const webhook = await call(app, 'webhooks:add', { url: arg, format: format as Webhook['format'] });
      print(io, values, webhook, (w) => [
        `Added webhook ${w.id} (${w.format}, ${w.shownUrl}): raised, raised-again and resolved ` +
          `alerts are posted to it. Try it with \`tidemark notify test ${w.id}\`.`,
      ]);
      return;
    }
    case 'list':
    case undefined: {
      const webhooks = await call(app, 'webhooks:list', {});
      print(io, values, webhooks, (list) =>
        list.length === 0
          ? ['No webhooks. Add one with `tidemark notify add URL [--format slack|json]`.']
          : webhookRows(list),
      );
      return;
    }
    case 'test': {
      const id = webhookId('test', arg);
      const result = await call(app, 'webhooks:test', { id });
      if (!result.ok)
        throw new CliFailure(
          `The test message to webhook ${id} failed: ${result.error}.`,
          'connection_failed',
        );
      print(io, values, result, (r) => [`Webhook ${id} accepted the test message (HTTP ${r.status}).`]);
      return;
    }
    case 'remove': {
      const id = webhookId('remove', arg);
      await call(app, 'webhooks:remove', { id });
      print(io, values, { removed: id }, () => [`Removed webhook ${id}.`]);
      return;
    }
    default:
      throw new UsageError(`Unknown notify command "${verb}". Use add, list, test or remove.`);
  }
}

export const notifyCommands: CommandGroup = {
  usage:
    '  notify add URL [--format slack|json]   post alerts to a webhook (the URL is stored encrypted)\n' +
    '  notify list [--json] | test ID | remove ID\n' +
    '                                         the webhooks, their last delivery or failure',
  run: (app, args, values, io) => notifyCommand(app, args, values, io),
};
