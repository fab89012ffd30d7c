import { describe, expect, it } from 'vitest';
import { edited, fieldErrorsOf, loadAnswer, loaded, oneOf, refused, saveAnswer } from './draft-form';

const isField = oneOf(['storage', 'heartbeatSeconds'] as const);
type Draft = { storage: string; heartbeatSeconds: string };
type Saved = { storage: string; heartbeatSeconds: number };
const draftOf = (s: Saved): Draft => ({ storage: s.storage, heartbeatSeconds: String(s.heartbeatSeconds) });
const same = (d: Draft, s: Saved) =>
  d.storage === s.storage && d.heartbeatSeconds === String(s.heartbeatSeconds);

describe('the load → draft → save → field-errors cycle', () => {
  it('puts main’s messages under the field their last segment names, first message first', () => {
    const error = {
      code: 'invalid_input' as const,
      message: 'x',
      fields: { 'schedule.storage': 'bad text', storage: 'second', 'defaultRules.other': 'not ours' },
    };
    expect(fieldErrorsOf(error, isField)).toEqual({ storage: 'bad text' });
    expect(refused(error, isField)).toEqual({
      saving: false,
      fieldErrors: { storage: 'bad text' },
      saveError: null,
    });
  });

  it('says a refusal that names no field for the whole form', () => {
    const error = { code: 'store_error' as const, message: 'The disk is full.' };
    expect(refused(error, isField)).toEqual({ saving: false, fieldErrors: {}, saveError: error });
  });

  it('follows main while the fields show the saved value, and keeps what the DBA is typing', () => {
    const saved = { storage: 'daily 03:00', heartbeatSeconds: 60 };
    const next = { storage: 'every 15m', heartbeatSeconds: 60 };
    expect(
      loaded(next, { current: null, draft: { storage: '', heartbeatSeconds: '' } }, draftOf, same),
    ).toMatchObject({ current: next, draft: draftOf(next) });
    expect(loaded(next, { current: saved, draft: draftOf(saved) }, draftOf, same).draft).toEqual(
      draftOf(next),
    );
    const typing = { storage: 'every 5m', heartbeatSeconds: '60' };
    expect(loaded(next, { current: saved, draft: typing }, draftOf, same)).not.toHaveProperty('draft');
  });

  it('clears only the edited field’s error', () => {
    const state = {
      draft: { storage: 'x', heartbeatSeconds: '1' },
      fieldErrors: { storage: 'bad', heartbeatSeconds: 'too fast' },
    };
    expect(edited(state, 'storage', 'hourly')).toEqual({
      draft: { storage: 'hourly', heartbeatSeconds: '1' },
      fieldErrors: { heartbeatSeconds: 'too fast' },
    });
  });

  it('takes a load’s envelope: the answer as loaded() does, a failure without touching the fields', () => {
    const saved = { storage: 'daily 03:00', heartbeatSeconds: 60 };
    const state = { current: null, draft: { storage: '', heartbeatSeconds: '' } };
    expect(loadAnswer({ ok: true, value: saved }, state, draftOf, same)).toEqual(
      loaded(saved, state, draftOf, same),
    );
    const error = { code: 'store_error' as const, message: 'The disk is full.' };
    expect(loadAnswer({ ok: false, error }, state, draftOf, same)).toEqual({
      loading: false,
      loadError: error,
    });
  });

  it('takes a save’s envelope: the fields show what main kept, or the refusal under its fields', () => {
    const saved = { storage: 'every 15m', heartbeatSeconds: 30 };
    expect(saveAnswer({ ok: true, value: saved }, draftOf, isField)).toEqual({
      saving: false,
      current: saved,
      draft: draftOf(saved),
      fieldErrors: {},
      saveError: null,
    });
    const error = {
      code: 'invalid_input' as const,
      message: 'x',
      fields: { 'schedule.storage': 'bad text' },
    };
    expect(saveAnswer({ ok: false, error }, draftOf, isField)).toEqual(refused(error, isField));
  });
});
