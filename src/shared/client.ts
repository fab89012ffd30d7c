import type { Channel, EventMessage, RequestOf, ResponseOf } from './contract';
import type { Result } from './result';

/**
 * What the renderer talks to: the preload bridge in Electron, a WebSocket in
 * browser mode. Both carry the same envelopes.
 */
export interface TidemarkClient {
  invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>>;
  /** Returns an unsubscribe function. */
  subscribe(listener: (message: EventMessage) => void): () => void;
}

/** Raw bridge exposed by the preload script on `window.tidemark`. */
export interface TidemarkBridge {
  invoke(channel: string, request: unknown): Promise<unknown>;
  subscribe(listener: (message: unknown) => void): () => void;
}

export const BRIDGE_KEY = 'tidemark';
/** Single IPC channel that carries every event main → renderer. */
export const EVENT_CHANNEL = 'tidemark:event';
