import type { Page } from '@playwright/test';
import type { HostClientMessage, HostServerMessage } from '../../src/shared/host-protocol';

/**
 * Sits on the page's WebSocket to the real host and passes everything through,
 * except what a test asks for on one channel: hold main's answer until the
 * test releases it (to see what the page shows meanwhile), or answer in main's
 * place with an error (to see the page roll back). The host itself is never faked.
 */
export interface WireFaults {
  /** Main's next answer on `channel` waits until the returned function is called. */
  holdNextAnswer(channel: string): { released: Promise<void>; release(): void; arrived: Promise<void> };
  /** The next request on `channel` never reaches main; the page gets this error instead. */
  failNext(channel: string, error: { code: string; message: string }): void;
  /** Requests the page sent, by channel. */
  readonly sent: Array<{ channel: string; request: unknown }>;
  /** Main's answers as they reached the page, by channel. */
  readonly answers: Array<{ channel: string; result: unknown }>;
  /** Waits for the next answer on `channel` after this call. */
  nextAnswer(channel: string): Promise<unknown>;
}

export async function routeWireFaults(page: Page): Promise<WireFaults> {
  const holds = new Map<string, Array<{ gate: Promise<void>; arrived: () => void }>>();
  const fails = new Map<string, Array<{ code: string; message: string }>>();
  const sent: WireFaults['sent'] = [];
  const answers: WireFaults['answers'] = [];
  const waiting: Array<{ channel: string; resolve: (result: unknown) => void }> = [];
  const answered = (channel: string, result: unknown) => {
    answers.push({ channel, result });
    for (const w of waiting.filter((x) => x.channel === channel)) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve(result);
    }
  };

  await page.routeWebSocket(/\/ws(\?|$)/, (ws) => {
    const server = ws.connectToServer();
    /** Request id → the hold its answer waits for. */
    const heldIds = new Map<number, { gate: Promise<void>; arrived: () => void }>();
    const channels = new Map<number, string>();

    ws.onMessage((raw) => {
      const message = JSON.parse(String(raw)) as HostClientMessage;
      if (message.type === 'invoke') {
        sent.push({ channel: message.channel, request: message.request });
        channels.set(message.id, message.channel);
        const fail = fails.get(message.channel)?.shift();
        if (fail) {
          const answer: HostServerMessage = {
            type: 'result',
            id: message.id,
            result: { ok: false, error: fail },
          };
          ws.send(JSON.stringify(answer));
          return;
        }
        const hold = holds.get(message.channel)?.shift();
        if (hold) heldIds.set(message.id, hold);
      }
      server.send(raw);
    });

    server.onMessage((raw) => {
      const message = JSON.parse(String(raw)) as HostServerMessage;
      if (message.type !== 'result') {
        ws.send(raw);
        return;
      }
      const channel = channels.get(message.id) ?? '?';
      channels.delete(message.id);
      const hold = heldIds.get(message.id);
      if (!hold) {
        ws.send(raw);
        answered(channel, message.result);
        return;
      }
      heldIds.delete(message.id);
      hold.arrived();
      void hold.gate.then(() => {
        ws.send(raw);
        answered(channel, message.result);
      });
    });

    // Codes such as 1006 cannot be sent on: close plainly, the page reconnects as it would anyway.
    ws.onClose(() => server.close());
    server.onClose(() => ws.close());
  });

  return {
    sent,
    answers,
    nextAnswer(channel) {
      return new Promise((resolve) => waiting.push({ channel, resolve }));
    },
    holdNextAnswer(channel) {
      let release!: () => void;
      let arrived!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const arrival = new Promise<void>((resolve) => {
        arrived = resolve;
      });
      const list = holds.get(channel) ?? [];
      list.push({ gate, arrived });
      holds.set(channel, list);
      return { released: gate, release, arrived: arrival };
    },
    failNext(channel, error) {
      const list = fails.get(channel) ?? [];
      list.push(error);
      fails.set(channel, list);
    },
  };
}
