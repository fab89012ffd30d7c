import { formatBytes } from '../../shared/bytes';
import type { ConnectionFailureReason, PasswordMode, Profile, SslMode } from '../../shared/profile';
import type { ChartRange } from '../../shared/storage';

/** libpq's meaning of each sslmode, in one line. */
export const sslModeHints: Record<SslMode, string> = {
  disable: 'No SSL. Everything, including the password exchange, travels unencrypted.',
  allow: 'Tries without SSL first and uses it only if the server insists. Not verified.',
  prefer: 'Uses SSL when the server offers it, without checking its certificate (libpq’s default).',
  require: 'Always encrypts, but does not check who the server is.',
  'verify-ca':
    'Encrypts and checks that the CA in the root certificate file signed the server certificate; the host name is not checked.',
  'verify-full': 'Encrypts, checks the CA and that the certificate matches the host name. The safest choice.',
};

export const passwordModeLabels: Record<PasswordMode, string> = {
  store: 'Stored encrypted on this computer',
  ask: 'Asked for once each time Tidemark starts',
  pgpass: 'Read from ~/.pgpass (or PGPASSFILE), as psql does',
};

export const failureTitles: Record<ConnectionFailureReason, string> = {
  refused: 'Connection refused',
  timeout: 'Timed out',
  host_not_found: 'Host not found',
  auth_failed: 'Authentication failed',
  no_password: 'No password available',
  ssl_required: 'The server requires SSL',
  ssl_unsupported: 'The server does not support SSL',
  certificate_untrusted: 'Certificate not trusted',
  hostname_mismatch: 'Certificate does not match the host name',
  database_missing: 'Database does not exist',
  role_missing: 'User does not exist',
  hba_rejected: 'Rejected by pg_hba.conf',
  too_many_connections: 'Too many connections',
  server_starting: 'The server is starting up or shutting down',
  cert_file_unreadable: 'A certificate or key file cannot be read',
  cleartext_refused: 'Password not sent in clear text',
  ssh_failed: 'The SSH tunnel could not be opened',
  ssh_host_key_unknown: 'New SSH host: confirm its key',
  ssh_host_key_changed: 'SSH host key changed: refused',
  unknown: 'The connection failed',
};

/** "18.1" → "PostgreSQL 18.1"; a full version() string is shortened to its first words. */
export function postgresVersionLabel(serverVersion: string): string {
  const v = serverVersion.trim();
  if (/^PostgreSQL\b/i.test(v)) return v.split(/\s+on\s+|,/)[0]!.trim();
  return `PostgreSQL ${v.split(/\s+/)[0]}`;
}

export function endpointOf(p: Pick<Profile, 'host' | 'port' | 'database'>): string {
  const host = p.host.includes(':') && !p.host.startsWith('/') ? `[${p.host}]` : p.host;
  return `${host}:${p.port}/${p.database}`;
}

export function formatMs(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

// ---------- sizes, numbers and times for the storage and health pages ----------

// One formatter for the whole app (the CLI prints the same units); the e2e specs format with it too.
export { formatBytes };

/** "+1.2 MiB", "−8.0 KiB", "0 B". */
export function formatSignedBytes(bytes: number): string {
  if (bytes === 0) return '0 B';
  return bytes > 0 ? `+${formatBytes(bytes)}` : formatBytes(bytes);
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** "1,441,792 bytes": the exact figure, for titles and tooltips. */
export function formatExactBytes(bytes: number): string {
  return `${integer.format(bytes)} ${Math.abs(bytes) === 1 ? 'byte' : 'bytes'}`;
}

export function formatSignedExactBytes(bytes: number): string {
  return bytes > 0 ? `+${formatExactBytes(bytes)}` : formatExactBytes(bytes).replace(/^-/, '−');
}

export function formatCount(n: number): string {
  return integer.format(Math.round(n)).replace(/^-/, '−');
}

/** "+3.4 %", "−0.5 %", "+120 %". */
export function formatSignedPct(pct: number): string {
  const abs = Math.abs(pct);
  const text = abs >= 100 ? abs.toFixed(0) : abs >= 10 ? abs.toFixed(1) : abs.toFixed(2);
  if (Number(text) === 0) return '0 %';
  return `${pct < 0 ? '−' : '+'}${text} %`;
}

/** Uptime: "100 %", "99.93 %", "87.5 %". */
export function formatUptime(pct: number): string {
  if (pct >= 100) return '100 %';
  if (pct >= 99) return `${(Math.floor(pct * 100) / 100).toFixed(2)} %`;
  return `${pct.toFixed(1)} %`;
}

/** A compression ratio: "4.0x". */
export function formatRatio(before: number, after: number): string | null {
  if (!(after > 0)) return null;
  const r = before / after;
  return `${r >= 100 ? r.toFixed(0) : r.toFixed(1)}x`;
}

/** "45 s", "12 min", "1 h 5 min", "2 d 3 h". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** "just now", "3 min ago", "2 h ago", "5 d ago"; "in 4 h" for the future. */
export function formatRelative(iso: string, now: number): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const diff = now - t;
  const abs = Math.abs(diff);
  // A few seconds "in the future" is clock jitter between the processes, not the future.
  if (diff > -10_000 && diff < 45_000) return 'just now';
  if (abs < 45_000) return 'in a moment';
  let text: string;
  if (abs < 3_600_000) text = `${Math.round(abs / 60_000)} min`;
  else if (abs < 48 * 3_600_000) text = `${Math.round(abs / 3_600_000)} h`;
  else text = `${Math.round(abs / 86_400_000)} d`;
  return diff >= 0 ? `${text} ago` : `in ${text}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Local time as "2026-11-22 03:00" (seconds optional): unambiguous and sortable. */
export function formatStamp(iso: string | number, seconds = false): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}${seconds ? `:${pad(d.getSeconds())}` : ''}`;
  return `${date} ${time}`;
}

/** The local zone's offset at that moment, as shown beside local times: "UTC+01:00", "UTC−05:00", "UTC". */
export function zoneOf(iso: string | number): string {
  const offset = -new Date(iso).getTimezoneOffset();
  if (!Number.isFinite(offset) || offset === 0) return 'UTC';
  const sign = offset > 0 ? '+' : '−';
  const abs = Math.abs(offset);
  return `UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** "03:00 UTC": the same instant as a schedule is written (schedules are in UTC). */
export function utcClock(iso: string | number): string {
  const d = new Date(iso);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

/** "10:42" when it is today, else "2026-11-22 10:42". */
export function formatClock(iso: string, now: number): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const today = new Date(now);
  const sameDay =
    d.getFullYear() === today.getFullYear() &&
    d.getMonth() === today.getMonth() &&
    d.getDate() === today.getDate();
  return sameDay ? `${pad(d.getHours())}:${pad(d.getMinutes())}` : formatStamp(iso);
}

/** The exact moment, for a title: local with seconds and the UTC instant. */
export function exactTime(iso: string | number): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return `${formatStamp(iso, true)} local · ${d.toISOString().replace('.000Z', 'Z')}`;
}

/** Local date only: "2026-12-15". */
export function formatDate(iso: string | number): string {
  return formatStamp(iso).slice(0, 10);
}

/** A duration measured by Tidemark (a sample): "840 ms", "1.8 s", "2 min 5 s". */
export function formatElapsed(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** A threshold as the DBA typed it: "50 GiB", "1.5 GiB"; other sizes as formatBytes. */
export function formatThreshold(bytes: number): string {
  const gib = bytes / 1024 ** 3;
  if (gib >= 1 && Math.abs(gib * 100 - Math.round(gib * 100)) < 1e-6) return `${Number(gib.toFixed(2))} GiB`;
  return formatBytes(bytes);
}

export const chartRangeLabels: Record<ChartRange, string> = {
  '24h': '24 h',
  '7d': '7 d',
  '30d': '30 d',
  '90d': '90 d',
  all: 'All',
};

export const relationKindLabels = {
  table: 'Table',
  partitioned: 'Partitioned',
  hypertable: 'Hypertable',
  matview: 'Materialized view',
  partition: 'Partition',
  chunk: 'Chunk',
} as const;
