import { BRIDGE_KEY, type TidemarkBridge } from '../../shared/client';
import { HOST_WS_PATH } from '../../shared/host-protocol';
import { createBridgeClient } from './bridge-client';
import { takeHostToken } from './token';
import type { RendererClient } from './types';
import { createWebSocketClient } from './ws-client';

export type { ClientCapabilities, ConnectionState, RendererClient } from './types';

export type ClientChoice = { ok: true; client: RendererClient } | { ok: false; message: string };

function bridgeOf(win: Window): TidemarkBridge | undefined {
  const candidate = (win as unknown as Record<string, unknown>)[BRIDGE_KEY];
  if (
    candidate &&
    typeof candidate === 'object' &&
    typeof (candidate as TidemarkBridge).invoke === 'function' &&
    typeof (candidate as TidemarkBridge).subscribe === 'function'
  ) {
    return candidate as TidemarkBridge;
  }
  return undefined;
}

/**
 * Chosen once, at start-up: the preload bridge when the page runs inside
 * Electron, otherwise the local host's WebSocket. Nothing else in the renderer
 * knows which one it got.
 */
export function selectClient(win: Window): ClientChoice {
  const bridge = bridgeOf(win);
  if (bridge) return { ok: true, client: createBridgeClient(bridge) };

  const token = takeHostToken(win);
  if (!token) {
    return {
      ok: false,
      message:
        'This page needs the address Tidemark printed when it started: it carries a one-time access token. Open that address, or restart Tidemark to get a new one.',
    };
  }
  const scheme = win.location.protocol === 'https:' ? 'wss' : 'ws';
  const url = `${scheme}://${win.location.host}${HOST_WS_PATH}?token=${encodeURIComponent(token)}`;
  return { ok: true, client: createWebSocketClient({ url }) };
}
