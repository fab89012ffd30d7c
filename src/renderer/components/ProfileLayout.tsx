import './ProfileLayout.css';
import type { ReactNode } from 'react';
import type { Profile } from '../../shared/profile';
import type { StorageOverview } from '../../shared/storage';
import { alertCountText } from '../lib/alerts';
import { useNow } from '../lib/clock';
import { endpointOf, exactTime, formatClock, formatDuration, formatStamp } from '../lib/format';
import { hrefOf } from '../lib/router';
import { NotFoundPage } from '../pages/NotFoundPage';
import { useAlerts, useDemo, useHealth, useProfiles, useStorage } from '../stores';
import { findProfile } from '../stores/profiles';
import { StatusDot } from './StatusDot';

export type ProfileTab = 'storage' | 'health' | 'alerts' | 'rules' | 'migrate' | 'details';

type Reachability = StorageOverview['status'];

const newer = (a: string | null | undefined, b: string | null | undefined) =>
  Date.parse(a ?? '') > Date.parse(b ?? '') || (!!a && !b);

/**
 * What Tidemark knows about whether a profile answers: the freshest of the stored
 * state main reported (overview, health) and the live heartbeat events.
 */
export function useReachability(profileId: string): Reachability | null {
  const fromStorage = useStorage((s) => (s.profileId === profileId ? s.overview.data?.status : undefined));
  const fromDetail = useHealth((s) => (s.profileId === profileId ? s.detail.data?.status : undefined));
  const fromOverview = useHealth((s) => s.overview.data?.find((h) => h.profileId === profileId)?.status);
  const live = useProfiles((s) => s.status[profileId]);

  let base: Reachability | null = null;
  for (const candidate of [fromStorage, fromDetail, fromOverview]) {
    if (!candidate) continue;
    if (!base || newer(candidate.lastCheckAt, base.lastCheckAt)) base = candidate;
  }
  // A heartbeat event newer than what main last reported wins.
  if (live && live.state !== 'unknown' && (!base || newer(live.at, base.lastCheckAt))) {
    const changed = !base || base.state !== live.state;
    return {
      state: live.state,
      since: changed ? live.at : (base?.since ?? live.at),
      lastCheckAt: live.at,
      lastSampleAt: base?.lastSampleAt ?? null,
      lastSampleError: base?.lastSampleError ?? null,
      message: live.message ?? (changed ? null : (base?.message ?? null)),
    };
  }
  return base;
}

/** "db1 is not answering since 10:42 (12 min). Showing stored history; last sampled …" */
export function OfflineBanner({ profile }: { profile: Profile }) {
  const status = useReachability(profile.id);
  const now = useNow();
  if (status?.state !== 'down') return null;
  const since = status.since;
  return (
    <div className="banner banner-error offline-banner" role="alert" data-testid="offline-banner">
      <span className="offline-icon" aria-hidden="true" />
      <div>
        <p>
          <strong>{profile.name} is not answering</strong>
          {since ? (
            <>
              {' '}
              since{' '}
              <time dateTime={since} title={exactTime(since)}>
                {formatClock(since, now)}
              </time>{' '}
              ({formatDuration(now - Date.parse(since))})
            </>
          ) : null}
          . Showing stored history;{' '}
          {status.lastSampleAt ? (
            <>
              last sampled{' '}
              <time dateTime={status.lastSampleAt} title={exactTime(status.lastSampleAt)}>
                {formatStamp(status.lastSampleAt)}
              </time>
              .
            </>
          ) : (
            'no sample has been stored yet.'
          )}
        </p>
        {status.message ? <p className="banner-detail">{status.message}</p> : null}
      </div>
    </div>
  );
}

/** An archived server's pages show its kept history; nothing is sampled. */
function ArchivedBanner({ profile }: { profile: Profile }) {
  return (
    <div className="banner archived-banner" role="status" data-testid="archived-banner">
      <p>
        <strong>{profile.name} is archived</strong> since{' '}
        <time dateTime={profile.archivedAt}>{formatStamp(profile.archivedAt!)}</time>: it is not sampled and
        this is its kept history. Restore it or delete it for good under{' '}
        <a href={hrefOf('/settings')}>Settings › Archived servers</a>.
      </p>
    </div>
  );
}

export function DemoBadge({ profileId }: { profileId: string }) {
  const demoId = useDemo((s) => s.profileId);
  const running = useDemo((s) => s.running);
  if (demoId !== profileId) return null;
  return (
    <span
      className="badge badge-demo"
      title={running ? 'The local demo server, started by Tidemark' : 'The demo server is not running'}
      data-testid="demo-badge"
    >
      demo
    </span>
  );
}

const tabs: Array<{ id: ProfileTab; label: string; suffix: string }> = [
  { id: 'storage', label: 'Storage', suffix: '/storage' },
  { id: 'health', label: 'Health', suffix: '/health' },
  { id: 'alerts', label: 'Alerts', suffix: '/alerts' },
  { id: 'rules', label: 'Alert rules', suffix: '/rules' },
  { id: 'migrate', label: 'Migrate', suffix: '/migrate' },
  { id: 'details', label: 'Connection', suffix: '' },
];

/**
 * "Storage (2 alerts)": the window title of the Storage page says how many
 * alerts are active (in the tabs, the Alerts tab carries the count).
 */
export function storageTitle(activeAlerts: number): string {
  return activeAlerts > 0 ? `Storage (${alertCountText(activeAlerts)})` : 'Storage';
}

/** The frame of every page of one profile: name, status, tabs, and the offline banner. */
export function ProfileLayout({
  profileId,
  tab,
  actions,
  children,
}: {
  profileId: string;
  tab: ProfileTab;
  actions?: ReactNode;
  children: (profile: Profile) => ReactNode;
}) {
  const loaded = useProfiles((s) => s.loaded);
  const profile = useProfiles((s) => findProfile(s, profileId));
  const live = useProfiles((s) => s.status[profileId]);
  const reach = useReachability(profileId);
  const alertCount = useAlerts((s) => s.counts.byProfile[profileId]);

  if (!loaded) return <p className="loading">Loading…</p>;
  if (!profile)
    return <NotFoundPage message="This server profile does not exist (it may have been deleted)." />;

  const base = `/profiles/${encodeURIComponent(profile.id)}`;
  const state = reach?.state ?? live?.state ?? 'unknown';
  const detail = reach?.message ?? live?.message;

  return (
    <section aria-labelledby="page-title" className={`profile-page tab-${tab}`}>
      <header className="page-head profile-head">
        <div className="profile-head-text">
          <div className="title-row">
            <StatusDot state={state} detail={detail ?? undefined} />
            <h1 id="page-title" tabIndex={-1}>
              {profile.name}
            </h1>
            <DemoBadge profileId={profile.id} />
          </div>
          <p className="mono muted" data-testid="profile-endpoint">
            {profile.user}@{endpointOf(profile)}
          </p>
        </div>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </header>
      <nav className="tabs" aria-label={`${profile.name} sections`}>
        {tabs.map((t) => (
          <a
            key={t.id}
            href={hrefOf(base + t.suffix)}
            className={t.id === tab ? 'active' : undefined}
            aria-current={t.id === tab ? 'page' : undefined}
            data-testid={`tab-${t.id}`}
          >
            {t.id === 'alerts' && alertCount ? (
              <>
                Alerts{' '}
                <span
                  className={`tab-count tab-count-${alertCount.critical ? 'critical' : 'warning'}`}
                  data-testid="alerts-tab-count"
                >
                  ({alertCount.total}
                  <span className="visually-hidden"> active</span>)
                </span>
              </>
            ) : (
              t.label
            )}
          </a>
        ))}
      </nav>
      {profile.archivedAt ? <ArchivedBanner profile={profile} /> : <OfflineBanner profile={profile} />}
      {children(profile)}
    </section>
  );
}
