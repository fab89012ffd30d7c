import type { TidemarkClient } from '../../shared/client';

/**
 * How the renderer is connected to main. Always 'open' for the Electron bridge.
 * 'unreachable': several reconnects in a row failed (still retrying); in browser
 * mode this is also what a restarted host looks like, as it has a new token.
 */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'unreachable';

/**
 * The client the renderer's stores use: the shared contract client, plus the
 * state of the transport underneath so the UI can say when main is unreachable.
 */
export interface RendererClient extends TidemarkClient {
  connectionState(): ConnectionState;
  /** Called on every change of connection state. Returns an unsubscribe function. */
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
}
