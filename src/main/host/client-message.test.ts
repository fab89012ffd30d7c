import { describe, expect, it } from 'vitest';
import { CLOSE_POLICY_VIOLATION, CLOSE_UNSUPPORTED_DATA, parseClientMessage } from './client-message';

const text = (s: string) => parseClientMessage(Buffer.from(s), false);

describe('a WebSocket message from the page', () => {
  it('is an invoke with an integer id and a channel name', () => {
    expect(text('{"type":"invoke","id":7,"channel":"app:getInfo","request":{}}')).toEqual({
      ok: true,
      message: { type: 'invoke', id: 7, channel: 'app:getInfo', request: {} },
    });
    // A missing request is the router's business: it answers with a typed error.
    expect(text('{"type":"invoke","id":8,"channel":"app:getInfo"}')).toMatchObject({ ok: true });
  });

  it('is refused when it is anything else, with a close reason a WebSocket can carry', () => {
    const refused = [
      'null',
      '1',
      '[]',
      '{}',
      '"invoke"',
      '{',
      '{"type":"invoke","id":1e300,"channel":"app:getInfo"}',
      '{"type":"invoke","id":-1,"channel":"app:getInfo"}',
      '{"type":"invoke","id":"1","channel":"app:getInfo"}',
      '{"type":"invoke","id":1,"channel":null}',
      `{"type":"invoke","id":1,"channel":"${'x'.repeat(1000)}"}`,
      '{"type":"event","message":{}}',
    ];
    for (const message of refused) {
      const parsed = text(message);
      expect(parsed, message).toMatchObject({ ok: false, closeCode: CLOSE_POLICY_VIOLATION });
      if (!parsed.ok) expect(Buffer.byteLength(parsed.reason), message).toBeLessThanOrEqual(123);
    }
  });

  it('is refused when it comes as a binary frame', () => {
    expect(
      parseClientMessage(Buffer.from('{"type":"invoke","id":1,"channel":"app:getInfo"}'), true),
    ).toMatchObject({
      ok: false,
      closeCode: CLOSE_UNSUPPORTED_DATA,
    });
  });
});
