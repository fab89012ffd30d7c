import { useEffect, useRef } from 'react';
import { Stepper } from '../../components/MigrationParts';
import { ProfileLayout } from '../../components/ProfileLayout';
import type { WizardStepId } from '../../lib/migration';
import { useMigrationWizard, useStores } from '../../stores';
import { ChooseStep } from './ChooseStep';
import { PreflightStep } from './PreflightStep';
import { SettingsStep } from './SettingsStep';

/** The wizard's first three steps, one section at a time, until the plan exists. */

const stepIds: Record<'choose' | 'preflight' | 'settings', WizardStepId> = {
  choose: 'choose',
  preflight: 'preflight',
  settings: 'settings',
};

export function NewMigrationPage({ id }: { id: string }) {
  const { migrationWizard: wizard } = useStores();
  const step = useMigrationWizard((s) => s.step);
  useEffect(() => {
    const s = wizard.getState();
    s.open(id);
    // Read again each time: a table migrated a moment ago is partitioned now.
    if (!wizard.getState().tables.loading) void s.loadTables();
  }, [wizard, id]);
  // A new step replaces the page's content without a new address: bring keyboard focus to its title.
  const titleRef = useRef<HTMLHeadingElement>(null);
  const shownStep = useRef(step);
  useEffect(() => {
    if (shownStep.current === step) return;
    shownStep.current = step;
    titleRef.current?.focus();
  }, [step]);
  const order: WizardStepId[] = ['choose', 'preflight', 'settings'];
  const at = order.indexOf(stepIds[step]);
  const titles = {
    choose: '1 · Choose the table, its time column and the target',
    preflight: '2 · Pre-flight checks',
    settings: '3 · Settings',
  };
  return (
    <ProfileLayout profileId={id} tab="migrate">
      {(profile) => (
        <div className="migrate-body wizard" data-testid="wizard" data-step={step}>
          <Stepper current={stepIds[step]} done={(s) => order.indexOf(s) !== -1 && order.indexOf(s) < at} />
          <h2 className="wizard-title" data-testid="wizard-title" ref={titleRef} tabIndex={-1}>
            {titles[step]}
          </h2>
          {step === 'choose' ? <ChooseStep profile={profile} /> : null}
          {step === 'preflight' ? <PreflightStep /> : null}
          {step === 'settings' ? <SettingsStep /> : null}
        </div>
      )}
    </ProfileLayout>
  );
}
