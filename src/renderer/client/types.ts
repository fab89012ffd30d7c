import type { TidemarkClient } from '../../shared/client';

/**
 * How the renderer is connected to main. Always 'open' for the Electron bridge.
 * 'unreachable': several reconnects in a row failed (still retrying); in browser
 * mode this is also what a restarted host looks like, as it has a new token.
 */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'unreachable';

/**
 * What main does by itself on this transport, so the page does not do it twice.
 * Set by the transport chosen at start-up; nothing else asks "are we in Electron?".
 */
export interface ClientCapabilities {
  /** Main shows a desktop notification for every alert raised (Electron's Notification). */
  desktopNotifications: boolean;
  /** Main shows the number of active alerts on the window / app badge. */
  badge: boolean;
}

/**
 * The client the renderer's stores use: the shared contract client, plus the
 * state of the transport underneath so the UI can say when main is unreachable.
 */
export interface RendererClient extends TidemarkClient {
  connectionState(): ConnectionState;
  /** Called on every change of connection state. Returns an unsubscribe function. */
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
  readonly capabilities: ClientCapabilities;
}
