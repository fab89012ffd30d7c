/**
 * The browser-mode wire format: the same envelopes as IPC, over one WebSocket
 * at `/ws` on the host. The page is opened as `http://127.0.0.1:PORT/?token=T`;
 * the token goes with the WebSocket handshake as `/ws?token=T`.
 */
export const HOST_WS_PATH = '/ws';
export const HOST_TOKEN_PARAM = 'token';

export type HostClientMessage = { type: 'invoke'; id: number; channel: string; request: unknown };

export type HostServerMessage =
  | { type: 'result'; id: number; result: unknown }
  | { type: 'event'; message: unknown };
