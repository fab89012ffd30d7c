import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, heartbeatRangeText, scheduleSchema, settingsSchema } from './storage';

describe('the settings the contract defines once', () => {
  it('starts a fresh install with settings its own schema accepts', () => {
    expect(settingsSchema.parse(DEFAULT_SETTINGS)).toEqual(DEFAULT_SETTINGS);
  });

  it('says the heartbeat range the schema checks', () => {
    expect(heartbeatRangeText).toBe('10 to 3,600');
    expect(scheduleSchema.shape.heartbeatSeconds.safeParse(9).success).toBe(false);
    expect(scheduleSchema.shape.heartbeatSeconds.safeParse(3601).success).toBe(false);
  });
});
