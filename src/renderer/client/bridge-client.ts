import type { TidemarkBridge } from '../../shared/client';
import type { Channel, EventMessage, RequestOf, ResponseOf } from '../../shared/contract';
import type { Result } from '../../shared/result';
import { toEvent, toResult, transportError } from './envelope';
import type { RendererClient } from './types';

/** The Electron transport: the preload bridge on `window.tidemark`. */
export function createBridgeClient(bridge: TidemarkBridge): RendererClient {
  return {
    async invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>> {
      try {
        return toResult<ResponseOf<C>>(await bridge.invoke(channel, request));
      } catch (err) {
        return transportError(
          'Tidemark did not answer this request.',
          err instanceof Error ? err.message : String(err),
        );
      }
    },
    subscribe(listener: (message: EventMessage) => void) {
      return bridge.subscribe((raw) => {
        const message = toEvent(raw);
        if (message) listener(message);
      });
    },
    connectionState: () => 'open',
    onConnectionChange: () => () => {},
    // Electron: main raises the desktop notification and sets the app badge itself.
    capabilities: { desktopNotifications: true, badge: true },
  };
}
