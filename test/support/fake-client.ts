import type { ClientCapabilities, RendererClient } from '../../src/renderer/client/types';
import type { Channel, RequestOf } from '../../src/shared/contract';
import type { Result } from '../../src/shared/result';

/** A renderer client whose answers the test releases one by one (`calls[i].answer`); `last` finds a channel's newest call. */
export function fakeClient(capabilities: ClientCapabilities = { desktopNotifications: false, badge: false }) {
  const calls: Array<{ channel: Channel; request: unknown; answer: (r: Result<unknown>) => void }> = [];
  const client: RendererClient = {
    invoke<C extends Channel>(channel: C, request: RequestOf<C>) {
      return new Promise((resolve) => {
        calls.push({ channel, request, answer: resolve as (r: Result<unknown>) => void });
      });
    },
    subscribe: () => () => {},
    connectionState: () => 'open',
    onConnectionChange: () => () => {},
    capabilities,
  };
  const last = (channel: Channel) => calls.filter((c) => c.channel === channel).at(-1)!;
  return { client, calls, last };
}
