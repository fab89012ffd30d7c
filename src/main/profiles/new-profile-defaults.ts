import type Database from 'better-sqlite3';
import { RulesRepository } from '../alerts/rules-repository';
import { Lookup } from '../history/lookup';
import { ScheduleRepository } from '../history/schedule-repository';
import { SettingsRepository } from '../history/settings-repository';

/**
 * What a new profile starts with: the default schedule, heartbeat and alert rules in Settings at the
 * moment it is made, stored as its own, so changing the defaults later never changes existing profiles.
 */
export class NewProfileDefaults {
  private readonly settings: SettingsRepository;
  private readonly schedules: ScheduleRepository;
  private readonly rules: RulesRepository;

  constructor(
    db: Database.Database,
    private readonly now: () => Date,
  ) {
    this.settings = new SettingsRepository(db);
    this.schedules = new ScheduleRepository(db, new Lookup(db));
    this.rules = new RulesRepository(db);
  }

  applyTo(profileId: string): void {
    const { defaultSchedule, defaultHeartbeatSeconds, defaultRules } = this.settings.get();
    this.schedules.set(profileId, { storage: defaultSchedule, heartbeatSeconds: defaultHeartbeatSeconds });
    this.rules.set([profileId], defaultRules, this.now());
  }
}
