import { z } from 'zod';
import type { HostClientMessage } from '../../shared/host-protocol';

/** RFC 6455 close codes the host uses for a client that breaks the protocol. */
export const CLOSE_UNSUPPORTED_DATA = 1003;
export const CLOSE_POLICY_VIOLATION = 1008;

const invokeMessage = z.object({
  type: z.literal('invoke'),
  id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  channel: z.string().max(200),
  request: z.unknown().optional(),
});

export type ParsedClientMessage =
  | { ok: true; message: HostClientMessage }
  | { ok: false; closeCode: number; reason: string };

const EXPECTED = 'Tidemark expects {"type":"invoke","id":<integer>,"channel":<string>,"request":…}';

/**
 * A WebSocket message as the renderer client sends it, or why it is refused.
 * Anything else (null, a number, an array, a huge id) closes that socket and
 * nothing more: the page that sent it is not ours, or is broken.
 */
export function parseClientMessage(
  data: Buffer | ArrayBuffer | Buffer[],
  isBinary: boolean,
): ParsedClientMessage {
  if (isBinary)
    return { ok: false, closeCode: CLOSE_UNSUPPORTED_DATA, reason: 'Tidemark accepts text messages only' };
  const text = Array.isArray(data)
    ? Buffer.concat(data).toString('utf8')
    : Buffer.isBuffer(data)
      ? data.toString('utf8')
      : Buffer.from(new Uint8Array(data)).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, closeCode: CLOSE_POLICY_VIOLATION, reason: `Not JSON. ${EXPECTED}` };
  }
  const parsed = invokeMessage.safeParse(json);
  if (!parsed.success) return { ok: false, closeCode: CLOSE_POLICY_VIOLATION, reason: EXPECTED };
  const { id, channel, request } = parsed.data;
  return { ok: true, message: { type: 'invoke', id, channel, request } };
}
